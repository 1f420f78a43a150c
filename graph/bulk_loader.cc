#include "graph/bulk_loader.h"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

#include <xxhash.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "graph/bulk_names.h"
#include "graph/ingestor.h"
#include "graph/names.h"
#include "graph/validate.h"
#include "storage/key_codec.h"
#include "storage/statement_rows.h"

namespace entente::graph {
namespace {

// A statement valid in every field: validating it with one field replaced
// tells whether that field is valid, exactly as ValidateStatement says.
model::StatementInput Probe() {
  model::StatementInput in;
  in.actor.name = "a";
  in.target.name = "b";
  in.action_text = "c";
  in.date = {2000, 1, 1};
  in.source.document_id = "d";
  in.idempotency_key = "k";
  return in;
}

bool Valid(const model::StatementInput& in) {
  std::vector<model::FieldViolation> v;
  ValidateStatement(in, "", &v);
  return v.empty();
}

// Printable ASCII with something but spaces, at most kMaxNameBytes: a name
// every rule of ValidateStatement accepts, found without folding.
bool PlainValidName(std::string_view name) {
  if (name.size() > kMaxNameBytes) return false;
  bool seen = false;
  for (unsigned char c : name) {
    if (c < 0x20 || c >= 0x7f) return false;
    seen |= c != ' ';
  }
  return seen;
}

bool ValidName(std::string_view name) {
  if (PlainValidName(name)) return true;
  model::StatementInput in = Probe();
  in.actor.name = name;
  return Valid(in);
}

// What Ingest stores for an action (text and given code), once per distinct
// action.
struct Action {
  bool valid = false;
  std::string code;
  model::CodeSource source = model::CodeSource::kUnspecified;
  storage::SummaryShare share;
};

Action DescribeAction(std::string_view text, std::string_view given) {
  Action a;
  model::StatementInput in = Probe();
  in.action_text = text;
  in.cameo_code = given;
  a.valid = Valid(in);
  a.source = ClassifyStatementAction(text, given, &a.code);
  a.share = SummaryShareOf(a.code);
  return a;
}

// Hands out turns in sequence order to the threads of a Run.
class Turns {
 public:
  // Blocks until it is `seq`'s turn; false if the run was aborted.
  bool Wait(uint64_t seq) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return aborted_ || next_ == seq; });
    return !aborted_;
  }
  void Done() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++next_;
    }
    cv_.notify_all();
  }
  void Abort() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      aborted_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_ = 0;
  bool aborted_ = false;
};

}  // namespace

void IdempotencyKeyHash(std::string_view key, char* out) {
  // Ingestor hashes the tag "k" followed by the key.
  char small[256];
  std::unique_ptr<char[]> large;
  char* buf = small;
  if (key.size() + 1 > sizeof small) {
    large.reset(new char[key.size() + 1]);
    buf = large.get();
  }
  buf[0] = 'k';
  std::memcpy(buf + 1, key.data(), key.size());
  const XXH128_hash_t h = XXH3_128bits(buf, key.size() + 1);
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(h.high64 >> (56 - 8 * i));
    out[8 + i] = static_cast<char>(h.low64 >> (56 - 8 * i));
  }
}

// One Load: the shared state of its workers.
class BulkLoader::Run {
 public:
  Run(storage::Store* store, BulkSource& source, storage::BulkWriter* writer, int64_t now,
      const std::function<void(const BulkRejection&)>& reject)
      : store_(store), source_(source), writer_(writer), now_(now), reject_(reject) {}

  absl::Status Prepare(model::EntityId next_entity, model::StatementId next_statement);
  void Work(int index);
  void Fail(absl::Status s);
  absl::Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }
  uint64_t lines() const { return lines_done_.load(std::memory_order_relaxed); }
  const BulkLoadCounts& counts() const { return counts_; }
  model::EntityId next_entity() const { return next_entity_; }
  model::StatementId next_statement() const { return next_statement_; }

 private:
  struct Accepted {
    uint32_t row;
    model::StatementId id;
    model::EntityId actor, target;
    const Action* action;
    uint64_t line;
  };
  // What resolving a chunk decided, for building its rows.
  struct Job {
    BulkChunk chunk;
    uint64_t seq = 0;
    std::vector<Accepted> accepted;
    std::vector<BulkNameTable::Slot> entities;  // created, in id order
    std::vector<std::string> documents;        // to write
  };
  struct FileState {
    bool valid = false;  // document id, extractor and every key pass validation
    uint64_t next_line = 0;
    std::vector<uint64_t>* accepted_lines = nullptr;  // if the key prefix is shared
    bool check_duplicates = false;  // an earlier file had the key prefix
  };
  struct Scratch {
    model::Statement statement;
    std::string key;
    char hash[storage::kIdempotencyHashSize];
  };

  absl::Status Resolve(Job& job);
  BulkNameTable::Slot Name(std::string_view name);
  const Action& ActionOf(std::string_view text, std::string_view code);
  void Reject(const Job& job, const BulkRow& row, uint64_t line);
  void Build(Job& job, storage::BulkSink& sink, Scratch& scratch);

  storage::Store* const store_;
  BulkSource& source_;
  storage::BulkWriter* const writer_;
  const int64_t now_;
  const std::function<void(const BulkRejection&)>& reject_;

  std::mutex read_mu_;
  uint64_t next_seq_ = 0;  // guarded by read_mu_
  Turns resolve_turns_, append_turns_;
  std::mutex mu_;
  absl::Status status_;  // guarded by mu_
  std::atomic<uint64_t> lines_done_{0};

  // Resolver state, used only in resolve turns.
  BulkNameTable names_;
  absl::node_hash_map<std::string, Action> actions_;  // nodes: stable for builders
  std::string action_key_;
  std::vector<FileState> files_;
  std::vector<std::unique_ptr<std::vector<uint64_t>>> line_sets_;
  absl::flat_hash_set<std::string> documents_;
  model::EntityId next_entity_ = 1;
  model::StatementId next_statement_ = 1;
  BulkLoadCounts counts_;
};

absl::Status BulkLoader::Run::Prepare(model::EntityId next_entity,
                                      model::StatementId next_statement) {
  next_entity_ = next_entity;
  next_statement_ = next_statement;
  absl::Status s = writer_->ForEachExactName(
      [&](std::string_view name, model::EntityId id) { names_.Add(name, id); });
  if (!s.ok()) return s;
  const std::vector<BulkFile>& files = source_.files();
  absl::flat_hash_map<std::string_view, size_t> prefix_files;
  for (const BulkFile& f : files) ++prefix_files[f.key_prefix];
  absl::flat_hash_map<std::string_view, std::vector<uint64_t>*> prefix_lines;
  for (const BulkFile& f : files) {
    FileState fs;
    model::StatementInput in = Probe();
    in.source.document_id = f.document_id;
    in.extractor_name = f.extractor_name;
    in.idempotency_key = f.key_prefix + "1";
    fs.valid = Valid(in);
    in.idempotency_key = f.key_prefix + std::to_string(UINT64_MAX);
    fs.valid = fs.valid && Valid(in);
    if (prefix_files[f.key_prefix] > 1) {
      auto [it, fresh] = prefix_lines.try_emplace(f.key_prefix, nullptr);
      if (fresh) {
        line_sets_.push_back(std::make_unique<std::vector<uint64_t>>());
        it->second = line_sets_.back().get();
      }
      fs.accepted_lines = it->second;
      fs.check_duplicates = !fresh;
    }
    files_.push_back(fs);
  }
  return absl::OkStatus();
}

void BulkLoader::Run::Fail(absl::Status s) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (status_.ok()) status_ = std::move(s);
  }
  resolve_turns_.Abort();
  append_turns_.Abort();
}

BulkNameTable::Slot BulkLoader::Run::Name(std::string_view name) {
  BulkNameTable::Slot slot = names_.Find(name);
  if (slot == BulkNameTable::kNone && ValidName(name)) slot = names_.Add(name, 0);
  return slot;
}

const Action& BulkLoader::Run::ActionOf(std::string_view text, std::string_view code) {
  // Length-prefixed, so that no two (text, code) pairs share a key.
  action_key_.clear();
  storage::PutU32(&action_key_, static_cast<uint32_t>(text.size()));
  action_key_.append(text);
  action_key_.append(code);
  auto it = actions_.find(action_key_);
  if (it == actions_.end()) it = actions_.emplace(action_key_, DescribeAction(text, code)).first;
  return it->second;
}

void BulkLoader::Run::Reject(const Job& job, const BulkRow& row, uint64_t line) {
  ++counts_.rejected;
  const BulkFile& file = source_.files()[job.chunk.file];
  BulkRejection r;
  r.file = &file;
  r.line = line;
  if (row.error >= 0) {
    r.malformed = true;
    r.description = job.chunk.errors[row.error];
    reject_(r);
    return;
  }
  model::StatementInput in;
  in.actor.name = row.actor;
  in.target.name = row.target;
  in.action_text = row.action_text;
  in.cameo_code = row.cameo_code;
  in.date = row.date;
  in.source.document_id = file.document_id;
  in.extractor_name = file.extractor_name;
  in.idempotency_key = file.key_prefix + std::to_string(line);
  std::vector<model::FieldViolation> v;
  ValidateStatement(in, "", &v);
  if (v.empty()) v.push_back({"", "rejected (internal error: no rule names it)"});
  r.field = v[0].field;
  r.description = v[0].description;
  reject_(r);
}

absl::Status BulkLoader::Run::Resolve(Job& job) {
  FileState& fs = files_[job.chunk.file];
  if (job.chunk.file_start) fs.next_line = 0;
  const uint64_t first_line = fs.next_line + 1;
  fs.next_line += job.chunk.lines;
  job.accepted.clear();
  job.entities.clear();
  job.documents.clear();
  const BulkFile& file = source_.files()[job.chunk.file];
  for (uint32_t r = 0; r < job.chunk.rows.size(); ++r) {
    const BulkRow& row = job.chunk.rows[r];
    const uint64_t line = first_line + row.line;
    ++counts_.lines;
    if (row.error >= 0) {
      Reject(job, row, line);
      continue;
    }
    // Look both names up before creating either, as Ingest does.
    const BulkNameTable::Slot actor = Name(row.actor);
    const BulkNameTable::Slot target = Name(row.target);
    const Action& action = ActionOf(row.action_text, row.cameo_code);
    const model::Date& d = row.date;
    const bool date_ok =
        !(d.year == 0 && d.month == 0 && d.day == 0) && model::DateError(d).empty();
    if (actor == BulkNameTable::kNone || target == BulkNameTable::kNone || !action.valid ||
        !date_ok || !fs.valid) {
      Reject(job, row, line);
      continue;
    }
    if (fs.accepted_lines != nullptr) {
      std::vector<uint64_t>& bits = *fs.accepted_lines;
      if (fs.check_duplicates && line / 64 < bits.size() && (bits[line / 64] >> (line % 64)) & 1) {
        ++counts_.duplicate;
        continue;
      }
      if (bits.size() <= line / 64) bits.resize(line / 64 + 1);
      bits[line / 64] |= uint64_t{1} << (line % 64);
    }
    for (BulkNameTable::Slot s : {actor, target}) {
      if (names_.id(s) != 0) continue;
      names_.set_id(s, next_entity_++);
      job.entities.push_back(s);
      ++counts_.entities;
    }
    if (!documents_.contains(file.document_id)) {
      auto existing = store_->Latest()->GetDocument(file.document_id);
      if (absl::IsNotFound(existing.status())) {
        job.documents.push_back(file.document_id);
      } else if (!existing.ok()) {
        return existing.status();
      }
      documents_.insert(file.document_id);
    }
    job.accepted.push_back(
        {r, next_statement_++, names_.id(actor), names_.id(target), &action, line});
    ++counts_.accepted;
  }
  lines_done_.store(counts_.lines, std::memory_order_relaxed);
  return absl::OkStatus();
}

void BulkLoader::Run::Build(Job& job, storage::BulkSink& sink, Scratch& scratch) {
  for (BulkNameTable::Slot slot : job.entities) {
    model::Entity e;
    e.id = names_.id(slot);
    e.name = names_.name(slot);
    e.kind = model::EntityKind::kOther;
    sink.PutEntity(e);
    sink.PutExactName(e.name, e.id);
    sink.PutAlias(FoldName(e.name), e.id);
  }
  for (const std::string& d : job.documents) {
    model::Document doc;
    doc.document_id = d;
    sink.PutDocument(doc);
  }
  const BulkFile& file = source_.files()[job.chunk.file];
  model::Statement& s = scratch.statement;
  s.attributed_to = 0;
  s.quote.clear();
  s.reported = {};
  s.modality = model::Modality::kAsserted;
  s.confidence = 1.0;
  s.extractor_version.clear();
  s.ingested_at_micros = now_;
  s.document_id = file.document_id;
  s.extractor_name = file.extractor_name;
  char digits[24];
  for (const Accepted& a : job.accepted) {
    const BulkRow& row = job.chunk.rows[a.row];
    s.id = a.id;
    s.actor = a.actor;
    s.target = a.target;
    s.action_text.assign(row.action_text);
    s.cameo_code.assign(a.action->code);
    s.code_source = a.action->source;
    s.date = row.date;
    char* end = digits + sizeof digits;
    char* p = end;
    for (uint64_t n = a.line; n != 0 || p == end; n /= 10) *--p = static_cast<char>('0' + n % 10);
    s.idempotency_key.assign(file.key_prefix);
    s.idempotency_key.append(p, static_cast<size_t>(end - p));
    IdempotencyKeyHash(s.idempotency_key, scratch.hash);
    storage::EmitStatementRows(s, std::string_view(scratch.hash, sizeof scratch.hash),
                               a.action->share, &sink);
  }
}

void BulkLoader::Run::Work(int index) {
  storage::BulkSink& sink = writer_->sink(index);
  Job job;
  Scratch scratch;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(read_mu_);
      if (!status().ok()) return;
      absl::StatusOr<bool> more = source_.Read(&job.chunk);
      if (!more.ok()) return Fail(more.status());
      if (!*more) return;
      job.seq = next_seq_++;
    }
    job.chunk.rows.clear();
    job.chunk.errors.clear();
    job.chunk.lines = 0;
    source_.Parse(&job.chunk);
    if (!resolve_turns_.Wait(job.seq)) return;
    absl::Status s = Resolve(job);
    resolve_turns_.Done();
    if (!s.ok()) return Fail(s);
    Build(job, sink, scratch);
    if (!append_turns_.Wait(job.seq)) return;
    s = writer_->AppendOrdered(sink);
    append_turns_.Done();
    if (!s.ok()) return Fail(s);
    // Room for a chunk like this one, or the sorted runs go to disk now
    // rather than in the middle of the next chunk.
    sink.SpillIfFull(2 * job.chunk.rows.size() + 1024);
  }
}

// ---------------------------------------------------------------- BulkLoader

BulkLoader::BulkLoader(storage::Store* store, const BulkLoadOptions& options, int threads)
    : store_(store), options_(options), threads_(threads) {}

BulkLoader::~BulkLoader() = default;

absl::StatusOr<std::unique_ptr<BulkLoader>> BulkLoader::Open(storage::Store* store,
                                                             const BulkLoadOptions& options) {
  // Ingestor's bulk mode refuses a database with statements and seeds the
  // countries; its counters are then read back from the store.
  Ingestor ingestor(store, nullptr, Ingestor::Mode::kBulk);
  if (absl::Status s = ingestor.Init(); !s.ok()) return s;
  int threads = options.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::unique_ptr<BulkLoader>(new BulkLoader(store, options, threads));
}

const storage::BulkWriterStats& BulkLoader::writer_stats() const { return stats_; }

absl::StatusOr<BulkLoadCounts> BulkLoader::Load(
    BulkSource& source, const std::function<void(const BulkRejection&)>& reject,
    const std::function<void(const BulkProgress&)>& progress) {
  auto counters = LoadIdCounters(*store_);
  if (!counters.ok()) return counters.status();
  if (counters->next_statement != 1) {
    return absl::FailedPreconditionError(
        "a bulk load needs a database without statements; use online ingest to add to one");
  }
  storage::BulkWriterOptions wo;
  wo.memory_bytes = options_.memory_bytes;
  wo.sinks = threads_;
  wo.temp_dir = options_.temp_dir;
  wo.max_file_entries = options_.max_file_entries;
  auto writer = storage::BulkWriter::Start(store_, wo);
  if (!writer.ok()) return writer.status();
  const int64_t now =
      options_.clock ? options_.clock()
                     : std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  Run run(store_, source, writer->get(), now, reject);
  if (absl::Status s = run.Prepare(counters->next_entity, counters->next_statement); !s.ok()) {
    return s;
  }

  const auto start = std::chrono::steady_clock::now();
  std::mutex mu;
  std::condition_variable cv;
  int running = threads_;
  std::vector<std::thread> workers;
  for (int i = 0; i < threads_; ++i) {
    workers.emplace_back([&, i] {
      run.Work(i);
      std::lock_guard<std::mutex> lock(mu);
      --running;
      cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(250), [&] { return running == 0; })) {
      if (progress) progress({run.lines(), false});
    }
  }
  for (auto& w : workers) w.join();
  if (absl::Status s = run.status(); !s.ok()) return s;

  if (run.counts().accepted > 0) {
    storage::BulkSink& sink = (*writer)->sink(0);
    sink.PutMeta(kMetaNextEntity, storage::EncodeId(run.next_entity()));
    sink.PutMeta(kMetaNextStatement, storage::EncodeId(run.next_statement()));
  }
  if (progress) progress({run.lines(), true});
  const auto read = std::chrono::steady_clock::now();
  if (absl::Status s = (*writer)->Finish(); !s.ok()) return s;
  stats_ = (*writer)->stats();
  BulkLoadCounts counts = run.counts();
  counts.read_seconds = std::chrono::duration<double>(read - start).count();
  counts.write_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - read).count();
  return counts;
}

}  // namespace entente::graph
