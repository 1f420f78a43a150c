// Validation of statements as clients send them. Pure: no storage access, so
// an unknown entity id is found later, at resolution.
#ifndef ENTENTE_GRAPH_VALIDATE_H_
#define ENTENTE_GRAPH_VALIDATE_H_

#include <string>
#include <vector>

#include "model/types.h"

namespace entente::graph {

// Limits on one statement, in bytes. Changing them changes the protocol's
// documented contract (proto/entente/v1/statement.proto).
inline constexpr size_t kMaxNameBytes = 512;
inline constexpr size_t kMaxActionTextBytes = 1024;
inline constexpr size_t kMaxQuoteBytes = 16 * 1024;
inline constexpr size_t kMaxOtherStringBytes = 2048;
inline constexpr size_t kMaxIdempotencyKeyBytes = 512;

// Appends one violation per broken rule. Field paths are relative to the
// statement ("date.month", "actor.name") and prefixed with `prefix` (e.g.
// "statements[3].").
void ValidateStatement(const model::StatementInput& s, const std::string& prefix,
                       std::vector<model::FieldViolation>* out);

// Whether lo <= v <= hi: every range rule of a request.
inline bool InRange(int v, int lo, int hi) { return v >= lo && v <= hi; }

// A CAMEO code is 2 to 4 ASCII digits.
bool IsCameoCodeSyntax(std::string_view code);

// Checks a date field: required or optional (year 0 allowed).
void ValidateDate(const model::Date& d, bool required, const std::string& field,
                  std::vector<model::FieldViolation>* out);

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_VALIDATE_H_
