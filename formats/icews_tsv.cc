#include "formats/icews_tsv.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "graph/taxonomy.h"

namespace entente::formats {
namespace {

// Exactly 4 tab-separated fields; names may hold any other byte (U+00A0,
// commas, quotes), so nothing is trimmed.
bool Split4(const std::string& line, std::string* f) {
  size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t tab = line.find('\t', start);
    if ((tab == std::string::npos) != (i == 3)) return false;
    f[i] = line.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
    start = tab + 1;
  }
  return true;
}

}  // namespace

absl::Status ReadIcewsTsv(
    const std::string& path, const std::function<bool(uint64_t line, model::StatementInput&&)>& row,
    const std::function<void(uint64_t line, const std::string& why)>& bad) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read " + path);
  const size_t slash = path.rfind('/');
  const std::string doc = slash == std::string::npos ? path : path.substr(slash + 1);
  const graph::Taxonomy& taxonomy = graph::Taxonomy::Get();
  std::string line, f[4];
  uint64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (!Split4(line, f)) {
      bad(lineno, "not 4 tab-separated fields");
      continue;
    }
    model::StatementInput s;
    if (!model::ParseDate(f[3], &s.date) || s.date.day == 0) {
      bad(lineno, "date \"" + f[3] + "\" is not YYYY-MM-DD");
      continue;
    }
    s.actor.name = std::move(f[0]);
    s.action_text = std::move(f[1]);
    s.cameo_code = taxonomy.CodeForRelation(s.action_text).value_or("");
    s.target.name = std::move(f[2]);
    s.source.document_id = doc;
    s.extractor_name = "icews-tsv";
    s.idempotency_key = doc + ":" + std::to_string(lineno);
    if (!row(lineno, std::move(s))) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<LoadCounts> LoadIcewsTsv(graph::Ingestor& ingestor,
                                        const std::vector<std::string>& files, int batch_size) {
  const bool tty = isatty(2);
  LoadCounts counts;
  std::vector<model::StatementInput> batch;
  std::vector<std::string> where;  // FILE:LINE of each statement in `batch`
  absl::Status failure;
  auto flush = [&] {
    auto out = ingestor.Ingest(batch, model::NameResolution::kExact);
    if (!out.ok()) {
      failure = out.status();
      return false;
    }
    counts.accepted += out->accepted;
    counts.duplicate += out->duplicate;
    for (const auto& r : out->rejections) {
      if (++counts.rejected <= 10) {
        std::fprintf(stderr, "%s: %s: %s\n", where[r.index].c_str(),
                     r.violations[0].field.c_str(), r.violations[0].description.c_str());
      }
    }
    batch.clear();
    where.clear();
    if (tty) std::fprintf(stderr, "\r%llu lines ", static_cast<unsigned long long>(counts.lines));
    return true;
  };
  for (const std::string& path : files) {
    absl::Status read = ReadIcewsTsv(
        path,
        [&](uint64_t line, model::StatementInput&& in) {
          ++counts.lines;
          where.push_back(path + ":" + std::to_string(line));
          batch.push_back(std::move(in));
          return static_cast<int>(batch.size()) < batch_size || flush();
        },
        [&](uint64_t line, const std::string& why) {
          ++counts.lines;
          ++counts.rejected;
          std::fprintf(stderr, "%s:%llu: %s\n", path.c_str(), static_cast<unsigned long long>(line),
                       why.c_str());
        });
    if (!read.ok()) return read;
    if (!failure.ok()) return failure;
  }
  if (!batch.empty() && !flush()) return failure;
  if (tty) std::fputs("\r", stderr);
  return counts;
}

}  // namespace entente::formats
