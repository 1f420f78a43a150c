#include "formats/icews_tsv.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

#include "graph/taxonomy.h"

namespace entente::formats {
namespace {

constexpr char kExtractor[] = "icews-tsv";

// One non-empty line (without its '\r\n') as a row of `chunk`.
void ParseLine(std::string_view text, uint32_t line, graph::BulkChunk* chunk) {
  graph::BulkRow& row = chunk->rows.emplace_back();
  row.line = line;
  // Exactly 4 tab-separated fields.
  std::string_view f[4];
  size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t tab = text.find('\t', start);
    if ((tab == std::string_view::npos) != (i == 3)) {
      row.error = static_cast<int32_t>(chunk->errors.size());
      chunk->errors.emplace_back("not 4 tab-separated fields");
      return;
    }
    f[i] = text.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
    start = tab + 1;
  }
  const std::string date(f[3]);
  if (!model::ParseDate(date, &row.date) || row.date.day == 0) {
    row.error = static_cast<int32_t>(chunk->errors.size());
    chunk->errors.push_back("date \"" + date + "\" is not YYYY-MM-DD");
    return;
  }
  row.actor = f[0];
  row.action_text = f[1];
  row.target = f[2];
  const auto& relations = graph::Taxonomy::Get().relations();
  const auto it = relations.find(f[1]);
  if (it != relations.end()) row.cameo_code = it->second;
}

}  // namespace

IcewsTsvSource::IcewsTsvSource(std::vector<graph::BulkFile> files, size_t chunk_bytes)
    : files_(std::move(files)), chunk_bytes_(std::max<size_t>(chunk_bytes, 1)) {}

IcewsTsvSource::~IcewsTsvSource() {
  if (fd_ >= 0) ::close(fd_);
}

absl::StatusOr<std::unique_ptr<IcewsTsvSource>> IcewsTsvSource::Open(
    const std::vector<std::string>& paths, size_t chunk_bytes) {
  std::vector<graph::BulkFile> files;
  for (const std::string& path : paths) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return absl::NotFoundError("cannot read " + path + ": " + std::strerror(errno));
    ::close(fd);
    graph::BulkFile f;
    f.name = path;
    const size_t slash = path.rfind('/');
    f.document_id = slash == std::string::npos ? path : path.substr(slash + 1);
    f.extractor_name = kExtractor;
    f.key_prefix = f.document_id + ":";
    files.push_back(std::move(f));
  }
  return std::unique_ptr<IcewsTsvSource>(new IcewsTsvSource(std::move(files), chunk_bytes));
}

absl::StatusOr<bool> IcewsTsvSource::Read(graph::BulkChunk* chunk) {
  while (true) {
    if (fd_ < 0) {
      if (next_file_ == files_.size()) return false;
      current_ = next_file_++;
      fd_ = ::open(files_[current_].name.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0) {
        return absl::NotFoundError("cannot read " + files_[current_].name + ": " +
                                   std::strerror(errno));
      }
      ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
      // A file smaller than a chunk is read into a buffer of its size: a
      // chunk's buffer is allocated and cleared whole, a megabyte for a
      // file of a few lines (fuzzing reads millions of those).
      struct stat st;
      read_bytes_ = chunk_bytes_;
      if (::fstat(fd_, &st) == 0 && st.st_size >= 0 &&
          static_cast<uint64_t>(st.st_size) < chunk_bytes_) {
        read_bytes_ = std::max<size_t>(static_cast<size_t>(st.st_size) + 1, 4096);
      }
      file_start_ = true;
      carry_.clear();
    }
    std::string& bytes = chunk->bytes;
    bytes.assign(carry_);
    carry_.clear();
    bool eof = false;
    size_t cut = std::string::npos;
    while (true) {
      const size_t had = bytes.size();
      bytes.resize(had + read_bytes_);
      const ssize_t n = ::read(fd_, bytes.data() + had, read_bytes_);
      if (n < 0 && errno == EINTR) {
        bytes.resize(had);
        continue;
      }
      if (n < 0) {
        return absl::NotFoundError("cannot read " + files_[current_].name + ": " +
                                   std::strerror(errno));
      }
      bytes.resize(had + static_cast<size_t>(n));
      if (n == 0) {
        eof = true;
        break;
      }
      // Whole lines only: the bytes after the last newline wait for the
      // next chunk (a line longer than a chunk makes the chunk grow).
      if (bytes.size() >= chunk_bytes_ && (cut = bytes.rfind('\n')) != std::string::npos) break;
    }
    chunk->file = current_;
    chunk->file_start = file_start_;
    if (eof) {
      ::close(fd_);
      fd_ = -1;
      if (bytes.empty()) continue;  // nothing left of this file
    } else {
      carry_.assign(bytes, cut + 1);
      bytes.resize(cut + 1);
    }
    file_start_ = false;
    return true;
  }
}

void IcewsTsvSource::Parse(graph::BulkChunk* chunk) const {
  chunk->rows.clear();
  chunk->errors.clear();
  const char* p = chunk->bytes.data();
  const char* const end = p + chunk->bytes.size();
  uint32_t line = 0;
  while (p < end) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* line_end = nl != nullptr ? nl : end;
    std::string_view text(p, line_end - p);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!text.empty()) ParseLine(text, line, chunk);
    ++line;
    p = nl != nullptr ? nl + 1 : end;
  }
  chunk->lines = line;
}

absl::Status ReadIcewsTsv(
    const std::string& path, const std::function<bool(uint64_t line, model::StatementInput&&)>& row,
    const std::function<void(uint64_t line, const std::string& why)>& bad) {
  auto source = IcewsTsvSource::Open({path});
  if (!source.ok()) return source.status();
  const graph::BulkFile& file = (*source)->files()[0];
  graph::BulkChunk chunk;
  uint64_t before = 0;  // lines of earlier chunks
  while (true) {
    absl::StatusOr<bool> more = (*source)->Read(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    (*source)->Parse(&chunk);
    for (const graph::BulkRow& r : chunk.rows) {
      const uint64_t line = before + r.line + 1;
      if (r.error >= 0) {
        bad(line, chunk.errors[r.error]);
        continue;
      }
      model::StatementInput s;
      s.actor.name = r.actor;
      s.action_text = r.action_text;
      s.cameo_code = r.cameo_code;
      s.target.name = r.target;
      s.date = r.date;
      s.source.document_id = file.document_id;
      s.extractor_name = file.extractor_name;
      s.idempotency_key = file.key_prefix + std::to_string(line);
      if (!row(line, std::move(s))) return absl::OkStatus();
    }
    before += chunk.lines;
  }
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
