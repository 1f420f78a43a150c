#include "storage/bulk_runs.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace entente::storage::bulk {

void* MapRegion(size_t bytes) {
  if (bytes == 0) return nullptr;
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
  if (p == MAP_FAILED) return nullptr;
  // Huge pages where the kernel allows them (transparent_hugepage
  // "madvise"): a buffer of 100 MB then takes 50 faults rather than 25,000.
  ::madvise(p, bytes, MADV_HUGEPAGE);
  return p;
}

void UnmapRegion(void* p, size_t bytes) {
  if (p != nullptr) ::munmap(p, bytes);
}

namespace {

absl::Status IoError(const char* what, const std::string& path) {
  return absl::InternalError(std::string("bulk load: ") + what + " " + path + ": " +
                             std::strerror(errno));
}

}  // namespace

// ---------------------------------------------------------------- ValueArena

uint32_t ValueArena::Add(std::string_view value) {
  if (has_last_ && Get(last_) == value) return last_;
  const uint32_t pos = static_cast<uint32_t>(bytes_.size());
  char* p = bytes_.grow(2 + value.size());
  p[0] = static_cast<char>(value.size() >> 8);
  p[1] = static_cast<char>(value.size());
  if (!value.empty()) std::memcpy(p + 2, value.data(), value.size());
  last_ = pos;
  has_last_ = true;
  return pos;
}

// ---------------------------------------------------------------- CellRecord

CellRecord CellRecord::From(const SummaryCell& c) {
  CellRecord r;
  std::memset(&r, 0, sizeof r);  // padding too: records are written to files
  r.entity = c.entity;
  r.counterpart = c.counterpart;
  r.count = c.count;
  r.goldstein_x10 = static_cast<uint64_t>(c.goldstein_x10);
  r.month = c.month;
  r.first_day = c.first_day;
  r.last_day = c.last_day;
  r.dir = c.dir;
  r.root = c.root;
  return r;
}

SummaryCell CellRecord::ToCell() const {
  SummaryCell c;
  c.entity = entity;
  c.dir = dir;
  c.counterpart = counterpart;
  c.root = root;
  c.month = month;
  c.count = count;
  c.first_day = first_day;
  c.last_day = last_day;
  c.goldstein_x10 = static_cast<int64_t>(goldstein_x10);
  return c;
}

void SortAndAddUp(Region<CellRecord>* cells) {
  std::sort(cells->begin(), cells->end(),
            [](const CellRecord& a, const CellRecord& b) { return CellRecord::Less(a, b); });
  if (cells->empty()) return;
  size_t out = 0;
  for (size_t i = 1; i < cells->size(); ++i) {
    if (CellRecord::SameKey((*cells)[out], (*cells)[i])) {
      (*cells)[out].Add((*cells)[i]);
    } else {
      (*cells)[++out] = (*cells)[i];
    }
  }
  cells->shrink(out + 1);
}

// ----------------------------------------------------------------- RunWriter

RunWriter::~RunWriter() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status RunWriter::Open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return IoError("cannot create", path);
  buffer_.resize(1 << 20);
  used_ = 0;
  return absl::OkStatus();
}

absl::Status RunWriter::Append(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    if (used_ == buffer_.size()) {
      if (absl::Status s = Flush(); !s.ok()) return s;
    }
    const size_t take = std::min(n, buffer_.size() - used_);
    std::memcpy(buffer_.data() + used_, p, take);
    used_ += take;
    p += take;
    n -= take;
  }
  return absl::OkStatus();
}

absl::Status RunWriter::Flush() {
  size_t done = 0;
  while (done < used_) {
    const ssize_t put = ::write(fd_, buffer_.data() + done, used_ - done);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return IoError("cannot write", path_);
    done += static_cast<size_t>(put);
  }
  used_ = 0;
  return absl::OkStatus();
}

absl::Status RunWriter::Close() {
  absl::Status s = Flush();
  if (::close(fd_) != 0 && s.ok()) s = IoError("cannot write", path_);
  fd_ = -1;
  return s;
}

// ----------------------------------------------------------------- RunReader

RunReader::~RunReader() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status RunReader::Open(const std::string& path, size_t buffer_bytes) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return IoError("cannot open", path);
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  buffer_.resize(std::max<size_t>(buffer_bytes, 2 * (kMaxValueSize + 64)));
  pos_ = end_ = 0;
  return absl::OkStatus();
}

absl::StatusOr<bool> RunReader::Fill(size_t n) {
  if (end_ - pos_ >= n) return true;
  std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
  end_ -= pos_;
  pos_ = 0;
  while (end_ < n) {
    const ssize_t got = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return IoError("cannot read", path_);
    if (got == 0) return false;
    end_ += static_cast<size_t>(got);
  }
  return true;
}

// ---------------------------------------------------------------- CellCursor

absl::Status CellCursor::OpenFile(const RunFile& run, size_t buffer_bytes,
                                  std::unique_ptr<CellCursor>* out) {
  std::unique_ptr<CellCursor> c(new CellCursor(nullptr, 0));
  c->reader_ = std::make_unique<RunReader>();
  if (absl::Status s = c->reader_->Open(run.path, buffer_bytes); !s.ok()) return s;
  c->buffer_.resize(std::max<size_t>(buffer_bytes / sizeof(CellRecord), 1));
  if (absl::Status s = c->Refill(); !s.ok()) return s;
  *out = std::move(c);
  return absl::OkStatus();
}

absl::Status CellCursor::Refill() {
  // Records are copied out of the reader's bytes, which need not be aligned.
  size_t n = 0;
  while (n < buffer_.size()) {
    absl::StatusOr<bool> more = reader_->Fill(sizeof(CellRecord));
    if (!more.ok()) return more.status();
    if (!*more) break;
    std::memcpy(&buffer_[n++], reader_->data(), sizeof(CellRecord));
    reader_->Skip(sizeof(CellRecord));
  }
  pos_ = buffer_.data();
  end_ = pos_ + n;
  return absl::OkStatus();
}

}  // namespace entente::storage::bulk
