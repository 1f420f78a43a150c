// Sorted runs of a bulk load (storage/bulk_writer.h): the rows of one
// column family sorted in memory, spilled to a run file when memory is full,
// and merged back in key order. Internal to storage/.
//
// Two kinds of family:
// - keyed: keys of a fixed size K (index and idempotency keys), values of
//   any size up to 64 KiB. A row in memory is a KeyEntry (the key and the
//   position of its value in a ValueArena), so sorting moves a few dozen
//   bytes and never reads the values. A key may be added once.
// - cells: summary cells as fixed-size CellRecords; equal keys are added up.
#ifndef ENTENTE_STORAGE_BULK_RUNS_H_
#define ENTENTE_STORAGE_BULK_RUNS_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/key_codec.h"

namespace entente::storage::bulk {

inline uint64_t LoadBigEndian64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

inline uint32_t LoadBigEndian32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

// Compares two K-byte keys as unsigned bytes (memcmp order), a word at a
// time: the keys are big-endian integers, so most comparisons end in the
// first word.
template <size_t K>
inline int CompareKeys(const char* a, const char* b) {
  size_t i = 0;
  for (; i + 8 <= K; i += 8) {
    const uint64_t x = LoadBigEndian64(a + i), y = LoadBigEndian64(b + i);
    if (x != y) return x < y ? -1 : 1;
  }
  if constexpr (K % 8 >= 4) {
    const uint32_t x = LoadBigEndian32(a + i), y = LoadBigEndian32(b + i);
    if (x != y) return x < y ? -1 : 1;
    i += 4;
  }
  for (; i < K; ++i) {
    const auto x = static_cast<uint8_t>(a[i]), y = static_cast<uint8_t>(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

inline constexpr size_t kMaxValueSize = 0xffff;

// A fixed-capacity array of trivially copyable T in an anonymous mapping of
// its own: reserving costs no memory (pages are touched as it fills, huge
// pages where the kernel allows, so that filling it faults far less), and it
// never moves or copies itself.
template <class T>
class Region {
 public:
  Region() = default;
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;
  ~Region() { Unmap(data_, capacity_ * sizeof(T)); }

  // Room for `n` elements; false if the address space cannot be had.
  // REQUIRES: empty and never reserved.
  bool Reserve(size_t n) {
    void* p = Map(n * sizeof(T));
    if (p == nullptr) return false;
    data_ = static_cast<T*>(p);
    capacity_ = n;
    return true;
  }
  size_t capacity() const { return capacity_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  // REQUIRES: size() < capacity()
  T& emplace_back() { return data_[size_++]; }
  void push_back(const T& v) { data_[size_++] = v; }
  // The next `n` elements, now part of the array. REQUIRES: room for them
  T* grow(size_t n) {
    T* p = data_ + size_;
    size_ += n;
    return p;
  }
  // REQUIRES: n <= size()
  void shrink(size_t n) { size_ = n; }
  void clear() { size_ = 0; }

 private:
  static void* Map(size_t bytes);
  static void Unmap(void* p, size_t bytes);
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Anonymous mappings for Region (storage/bulk_runs.cc).
void* MapRegion(size_t bytes);
void UnmapRegion(void* p, size_t bytes);
template <class T>
void* Region<T>::Map(size_t bytes) {
  return MapRegion(bytes);
}
template <class T>
void Region<T>::Unmap(void* p, size_t bytes) {
  UnmapRegion(p, bytes);
}

// Values of one sink's keyed rows, length-prefixed, back to back in one
// Region. A value equal to the one added just before is stored once (a
// statement's in_edges and pair_edges values are the same bytes).
class ValueArena {
 public:
  // REQUIRES: bytes < 4 GiB (positions are 32 bits)
  bool Reserve(size_t bytes) { return bytes_.Reserve(bytes); }
  // Whether a value of `size` bytes still fits.
  bool Fits(size_t size) const { return bytes_.size() + 2 + size <= bytes_.capacity(); }
  // The value's position. REQUIRES: Fits(value.size()), value.size() <= kMaxValueSize
  uint32_t Add(std::string_view value);
  const char* Ptr(uint32_t pos) const { return bytes_.data() + pos; }
  std::string_view Get(uint32_t pos) const {
    const char* p = bytes_.data() + pos;
    return {p + 2, static_cast<size_t>(static_cast<uint8_t>(p[0]) << 8 | static_cast<uint8_t>(p[1]))};
  }
  size_t bytes() const { return bytes_.size(); }
  void Clear() {
    bytes_.clear();
    has_last_ = false;
  }

 private:
  Region<char> bytes_;
  uint32_t last_ = 0;
  bool has_last_ = false;
};

// A keyed row in memory.
template <size_t K>
struct __attribute__((packed)) KeyEntry {
  char key[K];
  uint32_t value;  // position in the sink's ValueArena

  static bool Less(const KeyEntry& a, const KeyEntry& b) {
    return CompareKeys<K>(a.key, b.key) < 0;
  }
};

// A summary cell's running sum (key_codec.h SummaryCell), decoded: equal
// keys are added up (count, first and last day, Goldstein) wherever they
// meet, so a cell is written once whatever the number of its statements.
struct CellRecord {
  uint64_t entity;
  uint64_t counterpart;
  uint64_t count;
  uint64_t goldstein_x10;  // added modulo 2^64, as MergeSummaryValues does
  int32_t month;
  int32_t first_day;
  int32_t last_day;
  uint8_t dir;
  uint8_t root;

  static CellRecord From(const SummaryCell& c);
  SummaryCell ToCell() const;

  static bool Less(const CellRecord& a, const CellRecord& b) {
    if (a.entity != b.entity) return a.entity < b.entity;
    if (a.dir != b.dir) return a.dir < b.dir;
    if (a.counterpart != b.counterpart) return a.counterpart < b.counterpart;
    if (a.root != b.root) return a.root < b.root;
    return a.month < b.month;  // EncodeDay keeps signed order
  }
  static bool SameKey(const CellRecord& a, const CellRecord& b) {
    return a.entity == b.entity && a.dir == b.dir && a.counterpart == b.counterpart &&
           a.root == b.root && a.month == b.month;
  }
  void Add(const CellRecord& other) {
    count += other.count;
    goldstein_x10 += other.goldstein_x10;
    first_day = std::min(first_day, other.first_day);
    last_day = std::max(last_day, other.last_day);
  }
};

// Sorts `cells` and adds up those of one key.
void SortAndAddUp(Region<CellRecord>* cells);

// A sorted run written to a file.
struct RunFile {
  std::string path;
  uint64_t records = 0;
};

// Appends bytes to a new file through a large buffer.
class RunWriter {
 public:
  ~RunWriter();
  absl::Status Open(const std::string& path);
  absl::Status Append(const void* data, size_t n);
  absl::Status Close();

 private:
  absl::Status Flush();
  std::string path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  size_t used_ = 0;
};

// Reads a run file front to back, a buffer at a time.
class RunReader {
 public:
  ~RunReader();
  absl::Status Open(const std::string& path, size_t buffer_bytes);
  // Makes at least `n` bytes available at data() unless the file ends
  // first; false then.
  absl::StatusOr<bool> Fill(size_t n);
  const char* data() const { return buffer_.data() + pos_; }
  void Skip(size_t n) { pos_ += n; }

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  size_t pos_ = 0, end_ = 0;
};

// Sorts a keyed run and writes it as records "key | value size:u16 BE |
// value". Internal error if two rows share a key.
template <size_t K>
void SortEntries(Region<KeyEntry<K>>* entries) {
  std::sort(entries->begin(), entries->end(),
            [](const KeyEntry<K>& a, const KeyEntry<K>& b) { return KeyEntry<K>::Less(a, b); });
}

template <size_t K>
absl::Status WriteKeyedRun(Region<KeyEntry<K>>* entries, const ValueArena& arena,
                           const std::string& path) {
  SortEntries(entries);
  RunWriter w;
  if (absl::Status s = w.Open(path); !s.ok()) return s;
  for (size_t i = 0; i < entries->size(); ++i) {
    const KeyEntry<K>& e = (*entries)[i];
    if (i > 0 && CompareKeys<K>((*entries)[i - 1].key, e.key) == 0) {
      return absl::InternalError("bulk load: a key added twice");
    }
    const std::string_view v = arena.Get(e.value);
    const char size[2] = {static_cast<char>(v.size() >> 8), static_cast<char>(v.size())};
    for (absl::Status s : {w.Append(e.key, K), w.Append(size, 2), w.Append(v.data(), v.size())}) {
      if (!s.ok()) return s;
    }
  }
  return w.Close();
}

// The rows of one keyed run in key order: sorted entries in memory, or a
// run file.
template <size_t K>
class KeyedCursor {
 public:
  // REQUIRES: `entries` sorted; they and `arena` outlive the cursor.
  KeyedCursor(const KeyEntry<K>* entries, size_t n, const ValueArena* arena)
      : entries_(entries), end_(entries + n), arena_(arena) {
    Load();
  }
  static absl::Status OpenFile(const RunFile& run, size_t buffer_bytes,
                               std::unique_ptr<KeyedCursor>* out) {
    std::unique_ptr<KeyedCursor> c(new KeyedCursor(nullptr, 0, nullptr));
    c->reader_ = std::make_unique<RunReader>();
    if (absl::Status s = c->reader_->Open(run.path, buffer_bytes); !s.ok()) return s;
    if (absl::Status s = c->Next(); !s.ok()) return s;
    *out = std::move(c);
    return absl::OkStatus();
  }

  bool Valid() const { return valid_; }
  const char* key() const { return key_; }
  std::string_view value() const { return value_; }
  absl::Status Next() {
    if (!reader_) {
      ++entries_;
      Load();
      return absl::OkStatus();
    }
    if (valid_) reader_->Skip(K + 2 + value_.size());
    absl::StatusOr<bool> more = reader_->Fill(K + 2);
    if (!more.ok()) return more.status();
    valid_ = *more;
    if (!valid_) return absl::OkStatus();
    const char* p = reader_->data();
    const size_t size = static_cast<size_t>(static_cast<uint8_t>(p[K]) << 8 | static_cast<uint8_t>(p[K + 1]));
    more = reader_->Fill(K + 2 + size);
    if (!more.ok()) return more.status();
    if (!*more) return absl::InternalError("bulk load: a run file ends inside a record");
    p = reader_->data();
    key_ = p;
    value_ = std::string_view(p + K + 2, size);
    return absl::OkStatus();
  }

 private:
  void Load() {
    valid_ = entries_ < end_;
    if (!valid_) return;
    // Values sit in arrival order, entries in key order: fetch a value some
    // entries ahead, so that it is in cache when its turn comes.
    if (end_ - entries_ > kPrefetch) __builtin_prefetch(arena_->Ptr(entries_[kPrefetch].value));
    key_ = entries_->key;
    value_ = arena_->Get(entries_->value);
  }
  static constexpr ptrdiff_t kPrefetch = 12;

  const KeyEntry<K>* entries_;
  const KeyEntry<K>* end_;
  const ValueArena* arena_;
  std::unique_ptr<RunReader> reader_;
  bool valid_ = false;
  const char* key_ = nullptr;
  std::string_view value_;
};

// Merges keyed cursors in key order and calls emit(key, value) per row.
// Internal error if two rows share a key.
template <size_t K, class Emit>
absl::Status MergeKeyed(std::vector<std::unique_ptr<KeyedCursor<K>>>& cursors, Emit&& emit) {
  std::vector<KeyedCursor<K>*> heap;
  for (auto& c : cursors) {
    if (c->Valid()) heap.push_back(c.get());
  }
  auto after = [](const KeyedCursor<K>* a, const KeyedCursor<K>* b) {
    return CompareKeys<K>(a->key(), b->key()) > 0;
  };
  std::make_heap(heap.begin(), heap.end(), after);
  char last[K];
  bool has_last = false;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), after);
    KeyedCursor<K>* c = heap.back();
    if (has_last && CompareKeys<K>(last, c->key()) == 0) {
      return absl::InternalError("bulk load: a key added twice");
    }
    std::memcpy(last, c->key(), K);
    has_last = true;
    if (absl::Status s = emit(std::string_view(c->key(), K), c->value()); !s.ok()) return s;
    if (absl::Status s = c->Next(); !s.ok()) return s;
    if (c->Valid()) {
      std::push_heap(heap.begin(), heap.end(), after);
    } else {
      heap.pop_back();
    }
  }
  return absl::OkStatus();
}

// The cells of one run in key order: in memory, or a run file of
// CellRecords.
class CellCursor {
 public:
  CellCursor(const CellRecord* cells, size_t n) : pos_(cells), end_(cells + n) {}
  static absl::Status OpenFile(const RunFile& run, size_t buffer_bytes,
                               std::unique_ptr<CellCursor>* out);
  bool Valid() const { return pos_ < end_; }
  const CellRecord& Get() const { return *pos_; }
  absl::Status Next() {
    ++pos_;
    return pos_ < end_ || !reader_ ? absl::OkStatus() : Refill();
  }

 private:
  absl::Status Refill();
  const CellRecord* pos_;
  const CellRecord* end_;
  std::unique_ptr<RunReader> reader_;
  std::vector<CellRecord> buffer_;
};

// Merges cell cursors in key order, adding up equal keys, and calls
// emit(cell) once per key.
template <class Emit>
absl::Status MergeCells(std::vector<std::unique_ptr<CellCursor>>& cursors, Emit&& emit) {
  std::vector<CellCursor*> heap;
  for (auto& c : cursors) {
    if (c->Valid()) heap.push_back(c.get());
  }
  auto after = [](const CellCursor* a, const CellCursor* b) {
    return CellRecord::Less(b->Get(), a->Get());
  };
  std::make_heap(heap.begin(), heap.end(), after);
  CellRecord pending;
  bool has_pending = false;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), after);
    CellCursor* c = heap.back();
    if (has_pending && CellRecord::SameKey(pending, c->Get())) {
      pending.Add(c->Get());
    } else {
      if (has_pending) {
        if (absl::Status s = emit(pending); !s.ok()) return s;
      }
      pending = c->Get();
      has_pending = true;
    }
    if (absl::Status s = c->Next(); !s.ok()) return s;
    if (c->Valid()) {
      std::push_heap(heap.begin(), heap.end(), after);
    } else {
      heap.pop_back();
    }
  }
  return has_pending ? emit(pending) : absl::OkStatus();
}

}  // namespace entente::storage::bulk

#endif  // ENTENTE_STORAGE_BULK_RUNS_H_
