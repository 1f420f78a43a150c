#include "cli/ingest_stream.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_format.h"
#include "cli/progress.h"
#include "cli/table.h"
#include "entente/v1/ingest.grpc.pb.h"

namespace entente::cli {
namespace {

// Sends a batch early when its statements are this large, well below the
// server's 64 MiB message limit, so a file of long quotes cannot break it.
constexpr size_t kMaxBatchBytes = 16 << 20;
constexpr size_t kShownRejections = 10;
// Lines read and parsed at a time: enough to keep the parsing threads busy.
constexpr size_t kReadChunk = 2048;

struct LineRejection {
  LineOrigin origin;
  std::string field;
  std::string description;
};

// One IngestStream call: batches statements and remembers the origin of each
// statement by its index in the stream, which rejections refer to.
class Streamer {
 public:
  Streamer(const Context& ctx, v1::NameResolution resolution, int batch_size)
      : stub_(v1::IngestService::NewStub(ctx.channel())),
        writer_(stub_->IngestStream(&call_, &response_)),
        batch_size_(batch_size) {
    request_.set_name_resolution(resolution);
  }

  // Queues a statement, sending a full batch. False once the stream is broken
  // (Finish() tells why).
  bool Add(v1::Statement statement, LineOrigin origin) {
    request_bytes_ += statement.ByteSizeLong();
    *request_.add_statements() = std::move(statement);
    origins_.push_back(origin);
    if (request_.statements_size() >= batch_size_ || request_bytes_ >= kMaxBatchBytes) {
      return Flush();
    }
    return true;
  }

  // Sends what is queued, half-closes, and waits for the totals.
  grpc::Status Finish(v1::IngestResponse* response) {
    if (Flush()) writer_->WritesDone();
    grpc::Status status = writer_->Finish();
    *response = response_;
    return status;
  }

  const std::vector<LineOrigin>& origins() const { return origins_; }
  // Statements handed to gRPC in requests that did not fail to send.
  uint64_t sent() const { return sent_; }

 private:
  bool Flush() {
    if (broken_) return false;
    if (request_.statements_size() == 0) return true;
    broken_ = !writer_->Write(request_);
    if (!broken_) sent_ += request_.statements_size();
    request_.clear_statements();
    request_bytes_ = 0;
    return !broken_;
  }

  std::unique_ptr<v1::IngestService::Stub> stub_;
  grpc::ClientContext call_;
  v1::IngestResponse response_;  // Filled in by the writer on Finish.
  std::unique_ptr<grpc::ClientWriter<v1::IngestRequest>> writer_;
  const int batch_size_;
  v1::IngestRequest request_;
  size_t request_bytes_ = 0;
  std::vector<LineOrigin> origins_;
  uint64_t sent_ = 0;
  bool broken_ = false;
};

// "statements[12].date.month" -> "date.month": the line already says which
// statement it is.
std::string FieldInStatement(const std::string& field) {
  if (field.rfind("statements[", 0) != 0) return field;
  const size_t close = field.find(']');
  if (close == std::string::npos) return field;
  return close + 1 < field.size() && field[close + 1] == '.' ? field.substr(close + 2)
                                                             : "statement";
}

// Lines read, and the lines that are not statements.
struct ReadTotals {
  uint64_t lines = 0;
  uint64_t bad_lines = 0;
  std::vector<LineRejection> first_bad;  // At most kShownRejections.
};

// Sends every statement of the source and records the lines that do not
// parse. Stops early if the stream breaks.
ReadTotals ReadAndSend(StatementSource* source, Streamer* streamer, Progress* progress) {
  ReadTotals totals;
  bool sending = true;
  while (sending) {
    std::vector<ParsedLine> lines = source->Next(kReadChunk);
    if (lines.empty()) break;
    for (auto& line : lines) {
      if (line.error.empty()) {
        sending = streamer->Add(std::move(line.statement), line.origin);
        if (!sending) break;
        continue;
      }
      if (totals.first_bad.size() < kShownRejections) {
        totals.first_bad.push_back({line.origin, line.field, line.error});
      }
      ++totals.bad_lines;
    }
    totals.lines = source->lines_read();
    progress->Update(totals.lines, source->bytes_read());
  }
  totals.lines = source->lines_read();
  return totals;
}

// The first rejections by position in the input: the lines that did not
// parse merged with those the server rejected.
std::vector<LineRejection> FirstRejections(const ReadTotals& totals,
                                           const v1::IngestResponse& response,
                                           const std::vector<LineOrigin>& origins) {
  std::vector<LineRejection> out = totals.first_bad;
  for (const auto& r : response.rejections()) {
    if (out.size() >= 2 * kShownRejections) break;
    if (r.index() >= origins.size()) continue;  // Not ours; never expected.
    out.push_back({origins[r.index()], FieldInStatement(r.field()), r.description()});
  }
  std::stable_sort(out.begin(), out.end(), [](const LineRejection& a, const LineRejection& b) {
    return a.origin < b.origin;
  });
  if (out.size() > kShownRejections) out.resize(kShownRejections);
  return out;
}

void PrintSummary(const std::vector<InputFile>& files, const ReadTotals& totals,
                  const v1::IngestResponse& response, const std::vector<LineOrigin>& origins,
                  double seconds) {
  const uint64_t rejected = response.rejected() + totals.bad_lines;
  absl::PrintF("accepted %d, duplicate %d, rejected %d (%d lines read in %.1f s)\n",
               response.accepted(), response.duplicate(), rejected, totals.lines, seconds);
  const auto shown = FirstRejections(totals, response, origins);
  for (const auto& r : shown) {
    absl::PrintF("%s:%d: %s: %s\n", Printable(files[r.origin.input].name), r.origin.line,
                 Printable(r.field), Printable(r.description));
  }
  if (rejected > shown.size()) absl::PrintF("... and %d more rejected\n", rejected - shown.size());
}

}  // namespace

absl::StatusOr<std::vector<InputFile>> OpenInputs(const std::vector<std::string>& names) {
  std::vector<InputFile> files;
  for (const auto& name : names) {
    if (name == "-") {
      files.push_back({"<stdin>", nullptr, &std::cin, -1});
      continue;
    }
    auto in = std::make_unique<std::ifstream>(name, std::ios::binary);
    if (!in->is_open()) {
      return absl::InvalidArgumentError("cannot open " + name + ": " + std::strerror(errno));
    }
    std::error_code ec;
    int64_t size = -1;
    if (std::filesystem::is_regular_file(name, ec)) {
      const uintmax_t n = std::filesystem::file_size(name, ec);
      if (!ec) size = static_cast<int64_t>(n);
    }
    std::istream* raw = in.get();
    files.push_back({name, std::move(in), raw, size});
  }
  return files;
}

std::vector<std::istream*> Streams(const std::vector<InputFile>& files) {
  std::vector<std::istream*> streams;
  for (const auto& file : files) streams.push_back(file.in);
  return streams;
}

absl::StatusOr<int> ParseBatch(const ParsedArgs& args) {
  if (!args.Has("batch")) return kDefaultIngestBatch;
  auto n = ParseIntOption("batch", args.Get("batch"), 1, kMaxIngestBatch);
  if (!n.ok()) return n.status();
  return static_cast<int>(*n);
}

int StreamToServer(const Context& ctx, const std::vector<InputFile>& files,
                   StatementSource* source, const StreamOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Streamer streamer(ctx, options.resolution, options.batch);
  Progress progress(stderr, isatty(STDERR_FILENO) == 1, "lines");
  uint64_t total_bytes = 0;
  for (const auto& file : files) {
    // One input of unknown size makes the whole size unknown.
    if (file.size < 0) {
      total_bytes = 0;
      break;
    }
    total_bytes += static_cast<uint64_t>(file.size);
  }
  progress.set_total_bytes(total_bytes);
  const ReadTotals totals = ReadAndSend(source, &streamer, &progress);
  v1::IngestResponse response;
  const grpc::Status status = streamer.Finish(&response);
  progress.Clear();
  if (!status.ok()) {
    ctx.ReportError(status, options.command + " failed: ");
    if (streamer.sent() > 0) {
      absl::FPrintF(stderr,
                    "entente: batches the server received before the failure are stored; "
                    "running the same %s again is safe (duplicates are counted, not stored "
                    "twice)\n",
                    options.command);
    }
    return kExitRpcError;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(files, totals, response, streamer.origins(), seconds);
  return kExitOk;
}

}  // namespace entente::cli
