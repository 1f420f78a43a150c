#include "bench/workload.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include <set>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "graph/taxonomy.h"
#include <openssl/sha.h>

namespace entente::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// Canonical order: date, subject, relation, object (byte order).
std::string EventListAnswer(std::vector<Event> events, bool months) {
  std::sort(events.begin(), events.end());
  std::string concat;
  std::map<std::string, int> per_month;
  for (const auto& [d, s, r, o] : events) {
    concat += s + "\t" + r + "\t" + o + "\t" + d + "\n";
    ++per_month[d.substr(0, 7)];
  }
  std::string json = "{\"count\": " + std::to_string(events.size()) + ", \"hash\": \"" +
                     Sha256Hex(concat) + "\"";
  if (months) {
    json += ", \"months\": [";
    bool first = true;
    for (const auto& [m, n] : per_month) {
      json += (first ? "[\"" : ", [\"") + m + "\", " + std::to_string(n) + "]";
      first = false;
    }
    json += "]";
  }
  return json + "}";
}

std::string EntitySetAnswer(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string concat;
  for (const auto& n : names) concat += n + "\n";
  return "{\"count\": " + std::to_string(names.size()) + ", \"hash\": \"" + Sha256Hex(concat) +
         "\"}";
}

}  // namespace

absl::StatusOr<Query> ParseQuery(const std::string& line) {
  google::protobuf::Struct s;
  auto st = google::protobuf::util::JsonStringToMessage(line, &s);
  if (!st.ok()) return absl::InvalidArgumentError(std::string(st.message()));
  Query q;
  const auto& f = s.fields();
  auto str = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second.string_value();
  };
  q.id = str("id");
  q.kind = str("kind");
  q.entity = str("entity");
  q.a = str("a");
  q.b = str("b");
  q.t0 = str("t0");
  q.t1 = str("t1");
  if (auto it = f.find("max_hops"); it != f.end()) {
    q.max_hops = static_cast<int>(it->second.number_value());
  }
  if (auto it = f.find("relations"); it != f.end()) {
    for (const auto& v : it->second.list_value().values()) q.relations.push_back(v.string_value());
  }
  return q;
}

absl::StatusOr<std::vector<Query>> LoadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::vector<Query> qs;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto q = ParseQuery(line);
    if (!q.ok()) return q.status();
    qs.push_back(std::move(*q));
  }
  return qs;
}

std::string EncodeAnswer(const Query& q, Rows rows) {
  if (q.kind == "Q3") return EntitySetAnswer(std::move(rows.names));
  if (q.kind == "Q4") return "{\"dist\": " + std::to_string(rows.dist) + "}";
  return EventListAnswer(std::move(rows.events), q.kind == "Q5");
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * v.size()));
  return v[std::max<size_t>(rank, 1) - 1];
}

absl::Status RunTimedPass(const std::vector<Query>& queries, const Fetcher& fetch,
                          const std::string& out_path) {
  std::map<std::string, int> warmed;
  for (const auto& q : queries) {  // untimed warm-up: the first 10 of each kind
    if (warmed[q.kind]++ < 10) fetch(q).IgnoreError();
  }
  std::ofstream out(out_path);
  if (!out) return absl::InvalidArgumentError("cannot write " + out_path);
  std::map<std::string, std::vector<double>> ms;
  const auto wall = Clock::now();
  for (const auto& q : queries) {
    const auto t = Clock::now();
    auto rows = fetch(q);
    const double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    if (!rows.ok()) return absl::Status(rows.status().code(), q.id + ": " + rows.status().ToString());
    ms[q.kind].push_back(elapsed);
    out << "{\"id\": \"" << q.id << "\", \"kind\": \"" << q.kind
        << "\", \"answer\": " << EncodeAnswer(q, std::move(*rows)) << ", \"ms\": " << elapsed
        << "}\n";
  }
  const double secs = std::chrono::duration<double>(Clock::now() - wall).count();
  std::printf("%zu queries in %.2f s\n| kind | n | p50 ms | p95 ms |\n|---|---|---|---|\n",
              queries.size(), secs);
  for (const auto& [kind, v] : ms) {
    std::printf("| %s | %zu | %.3f | %.3f |\n", kind.c_str(), v.size(), Percentile(v, 50),
                Percentile(v, 95));
  }
  return absl::OkStatus();
}

std::string Flag(const std::vector<std::string>& args, const std::string& name,
                 const std::string& def) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) return args[i + 1];
  }
  return def;
}

std::vector<std::string> Positional(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) == 0) {
      ++i;
      continue;
    }
    out.push_back(args[i]);
  }
  return out;
}

std::vector<std::string> CodesOfRelations(const std::vector<std::string>& relations) {
  const auto& taxonomy = graph::Taxonomy::Get();
  std::set<std::string> codes;
  for (const auto& r : relations) {
    auto code = taxonomy.CodeForRelation(r);
    if (!code) code = taxonomy.Classify(r);
    if (!code) return {};
    codes.insert(*code);
  }
  return {codes.begin(), codes.end()};
}

}  // namespace entente::bench
