// The ICEWS TSV reader of entente-admin import and the benchmark
// (formats/icews_tsv.*) on arbitrary files, each row then validated as ingest
// would. The file is an in-memory file (memfd) opened by its /proc path,
// since the reader takes a path. Every non-empty line is either a row or a
// bad line, once, in order; rows have what the reader promises.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/icews_tsv.h"
#include "fuzz/check.h"
#include "fuzz/input.h"
#include "graph/taxonomy.h"
#include "graph/validate.h"

namespace {

int File() {
  static const int fd = memfd_create("icews_tsv", 0);
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = File();
  FUZZ_CHECK(fd >= 0);
  FUZZ_CHECK(ftruncate(fd, 0) == 0);
  FUZZ_CHECK(pwrite(fd, data, size, 0) == static_cast<ssize_t>(size));
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const std::string doc = std::to_string(fd);

  uint64_t last_line = 0;
  size_t rows = 0, bad = 0;
  const auto status = entente::formats::ReadIcewsTsv(
      path,
      [&](uint64_t line, entente::model::StatementInput&& s) {
        FUZZ_CHECK(line > last_line);
        last_line = line;
        ++rows;
        for (const std::string* name : {&s.actor.name, &s.action_text, &s.target.name}) {
          FUZZ_CHECK(name->find_first_of("\t\n") == std::string::npos);
        }
        FUZZ_CHECK(s.date.day != 0);
        FUZZ_CHECK(s.date.year >= 0 && s.date.year <= 9999);
        FUZZ_CHECK(s.source.document_id == doc);
        FUZZ_CHECK(s.idempotency_key == doc + ":" + std::to_string(line));
        if (!s.cameo_code.empty()) {
          FUZZ_CHECK(entente::graph::Taxonomy::Get().Find(s.cameo_code) != nullptr);
        }
        std::vector<entente::model::FieldViolation> violations;
        entente::graph::ValidateStatement(s, "", &violations);
        return true;
      },
      [&](uint64_t line, const std::string& why) {
        FUZZ_CHECK(line > last_line);
        last_line = line;
        ++bad;
        FUZZ_CHECK(!why.empty());
      });
  FUZZ_CHECK(status.ok());
  // formats::ReadIcewsTsv keeps a byte order mark (as part of the first name).
  FUZZ_CHECK(rows + bad == entente::fuzz::NonEmptyLines(
                               std::string_view(reinterpret_cast<const char*>(data), size),
                               /*skip_bom=*/false));
  return 0;
}
