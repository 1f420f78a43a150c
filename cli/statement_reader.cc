#include "cli/statement_reader.h"

#include <algorithm>
#include <string_view>
#include <thread>

#include "google/protobuf/util/json_util.h"

namespace entente::cli {
namespace {

constexpr unsigned kMaxThreads = 8;
// Below this many lines per thread, starting a thread costs more than it saves.
constexpr size_t kMinLinesPerThread = 64;

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

void Parse(ParsedLine* line) {
  const auto status = google::protobuf::util::JsonStringToMessage(line->text, &line->statement);
  if (!status.ok()) {
    const std::string message(status.message().data(), status.message().size());
    line->error = message.substr(0, message.find('\n'));
    if (line->error.empty()) line->error = "not a statement";
    line->field = "json";
  }
  std::string().swap(line->text);
}

// Parses lines[begin, end) on the calling thread.
void ParseRange(std::vector<ParsedLine>* lines, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) Parse(&(*lines)[i]);
}

}  // namespace

StatementReader::StatementReader(std::vector<std::istream*> inputs, unsigned threads)
    : inputs_(std::move(inputs)),
      threads_(threads > 0 ? threads
                           : std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads)) {}

bool StatementReader::ReadLine(ParsedLine* out) {
  while (current_ < inputs_.size()) {
    if (std::getline(*inputs_[current_], out->text)) {
      ++lines_read_;
      bytes_read_ += out->text.size() + 1;
      out->origin = {static_cast<uint32_t>(current_), ++line_in_current_};
      // Editors on Windows start files with a byte order mark; it is not JSON.
      if (line_in_current_ == 1 && out->text.rfind("\xEF\xBB\xBF", 0) == 0) {
        out->text.erase(0, 3);
      }
      return true;
    }
    ++current_;
    line_in_current_ = 0;
  }
  return false;
}

std::vector<ParsedLine> StatementReader::Next(size_t max_lines) {
  std::vector<ParsedLine> lines;
  ParsedLine line;
  while (lines.size() < max_lines && ReadLine(&line)) {
    if (!IsBlank(line.text)) lines.push_back(std::move(line));
    line = ParsedLine();
  }
  const size_t n = lines.size();
  const size_t workers = std::min<size_t>(threads_, std::max<size_t>(1, n / kMinLinesPerThread));
  std::vector<std::thread> pool;
  for (size_t w = 1; w < workers; ++w) {
    pool.emplace_back(ParseRange, &lines, n * w / workers, n * (w + 1) / workers);
  }
  ParseRange(&lines, 0, n / workers);
  for (auto& t : pool) t.join();
  return lines;
}

}  // namespace entente::cli
