// How the commands that list statements print them: one table row each,
// the quote wrapped under it.
#ifndef ENTENTE_CLI_STATEMENT_TABLE_H_
#define ENTENTE_CLI_STATEMENT_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "cli/table.h"
#include "entente/v1/statement.pb.h"

namespace entente::cli {

// The quote in double quotes, word-wrapped to `width`, at most `max_lines`
// lines (the last ending in "…" when cut). No lines for an empty quote.
std::vector<std::string> QuoteLines(const std::string& quote, int width, size_t max_lines);

// Adds `quote` under the table's last row: up to three lines, indented,
// at most 100 columns (and no wider than `width`).
void AddQuoteNotes(const std::string& quote, int width, Table* table);

// The action text, with its CAMEO code as a tail that truncation keeps.
Table::Cell ActionCell(const v1::Action& action);

// A table of the statements (ID, DATE, ACTOR, ACTION, TARGET, MODALITY, CONF,
// SAID BY), each with up to three lines of its quote, in `width` columns.
std::string RenderStatements(const std::vector<v1::Statement>& statements, int width);

}  // namespace entente::cli

#endif  // ENTENTE_CLI_STATEMENT_TABLE_H_
