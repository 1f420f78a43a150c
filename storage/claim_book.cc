#include "storage/claim_book.h"

#include <algorithm>

namespace entente::storage {

ClaimMember ClaimMemberOf(const model::Statement& s, std::string_view publisher) {
  ClaimMember m;
  m.id = s.id;
  m.subject = model::ClaimSubjectOf(s);
  m.days = model::DayRangeOf(s.date);
  m.document_id = s.document_id;
  m.source = model::IndependentSourceOf(s.document_id, publisher);
  m.claimant = s.attributed_to;
  m.modality = s.modality;
  m.ingested_at_micros = s.ingested_at_micros;
  return m;
}

namespace {

// Adds the row of claim `from` to the row of claim `into`: everything but
// the distinct counts, which depend on the members both count. The one
// place that says how claim rows add up, for a statement joining a claim
// (as a claim of its own, RowOf) and for claims joining.
void MergeRows(ClaimRow* into, const ClaimRow& from) {
  if (into->statements == 0) {
    into->first_day = from.first_day;
    into->last_day = from.last_day;
    into->id = from.id;
    into->first_ingested_micros = from.first_ingested_micros;
    into->last_ingested_micros = from.last_ingested_micros;
  } else {
    into->first_day = std::min(into->first_day, from.first_day);
    into->last_day = std::max(into->last_day, from.last_day);
    into->id = std::min(into->id, from.id);
    into->first_ingested_micros = std::min(into->first_ingested_micros, from.first_ingested_micros);
    into->last_ingested_micros = std::max(into->last_ingested_micros, from.last_ingested_micros);
  }
  into->statements += from.statements;
  for (size_t i = 0; i < into->modalities.size(); ++i) into->modalities[i] += from.modalities[i];
}

// The row of a claim of statement `m` alone, but for its distinct counts.
ClaimRow RowOf(const ClaimMember& m) {
  ClaimRow r;
  r.first_day = m.days.first;
  r.last_day = m.days.last;
  r.id = m.id;
  r.first_ingested_micros = m.ingested_at_micros;
  r.last_ingested_micros = m.ingested_at_micros;
  r.statements = 1;
  // Stored statements are never kUnspecified (it is stored as asserted).
  const size_t modality =
      m.modality == model::Modality::kUnspecified ? 0 : static_cast<size_t>(m.modality) - 1;
  if (modality < r.modalities.size()) ++r.modalities[modality];
  return r;
}

// The member keys a statement counts once each in its claim.
std::vector<std::pair<ClaimSet, std::string>> MemberKeysOf(const ClaimMember& m) {
  std::vector<std::pair<ClaimSet, std::string>> keys = {{ClaimSet::kDocument, m.document_id},
                                                        {ClaimSet::kSource, m.source}};
  if (m.claimant != 0) keys.emplace_back(ClaimSet::kClaimant, EncodeId(m.claimant));
  return keys;
}

uint64_t& DistinctOf(ClaimRow* r, ClaimSet set) {
  return set == ClaimSet::kDocument ? r->documents
         : set == ClaimSet::kSource ? r->sources
                                    : r->claimants;
}

}  // namespace

absl::StatusOr<std::vector<ClaimMember>> ReadClaimMembers(
    const ReadView& view, const std::vector<model::StatementId>& ids) {
  auto statements = view.GetStatements(ids);
  if (!statements.ok()) return statements.status();
  std::unordered_map<std::string, std::string> publishers;  // by document id
  std::vector<ClaimMember> members;
  members.reserve(statements->size());
  for (const model::Statement& s : *statements) {
    auto found = publishers.find(s.document_id);
    if (found == publishers.end()) {
      auto doc = view.GetDocument(s.document_id);
      if (!doc.ok() && !absl::IsNotFound(doc.status())) return doc.status();
      found = publishers.emplace(s.document_id, doc.ok() ? doc->publisher : std::string()).first;
    }
    members.push_back(ClaimMemberOf(s, found->second));
  }
  return members;
}

absl::StatusOr<uint64_t> RebuildAllClaims(Store* store, int32_t window_days) {
  {
    WriteSet clear = store->NewWriteSet();
    clear.DeleteAllClaims();
    if (absl::Status st = store->Commit(clear); !st.ok()) return st;
  }
  const auto view = store->Snapshot();
  uint64_t written = 0;
  std::optional<WriteSet> ws;
  ws.emplace(store->NewWriteSet());
  size_t pending = 0;
  absl::Status failed;
  absl::Status st = view->ScanPairStatements(
      [&](model::EntityId, model::EntityId, const std::vector<model::StatementId>& ids) {
        auto members = ReadClaimMembers(*view, ids);
        if (!members.ok()) {
          failed = members.status();
          return false;
        }
        for (const ComputedClaim& c : ComputeClaims(*members, window_days)) {
          ws->PutClaim(c.row);
          for (const auto& [key, count] : c.members) {
            ws->PutClaimMember(c.row.id, key.first, key.second, count);
          }
          ++written;
          pending += 1 + c.members.size();
        }
        if (pending < 50'000) return true;
        failed = store->Commit(*ws);
        ws.emplace(store->NewWriteSet());
        pending = 0;
        return failed.ok();
      });
  if (!st.ok()) return st;
  if (!failed.ok()) return failed;
  if (absl::Status last = store->Commit(*ws); !last.ok()) return last;
  return written;
}

std::vector<ComputedClaim> ComputeClaims(const std::vector<ClaimMember>& members,
                                         int32_t window_days) {
  std::map<model::ClaimSubject, std::vector<size_t>> by_subject;
  for (size_t i = 0; i < members.size(); ++i) by_subject[members[i].subject].push_back(i);
  std::vector<ComputedClaim> out;
  for (const auto& [subject, indices] : by_subject) {
    std::vector<model::DayRange> days;
    for (size_t i : indices) days.push_back(members[i].days);
    for (const std::vector<size_t>& claim : model::GroupIntoClaims(days, window_days)) {
      ComputedClaim& c = out.emplace_back();
      c.row.subject = subject;
      for (size_t k : claim) {
        MergeRows(&c.row, RowOf(members[indices[k]]));
        for (auto& key : MemberKeysOf(members[indices[k]])) ++c.members[std::move(key)];
      }
      for (const auto& [key, count] : c.members) ++DistinctOf(&c.row, key.first);
    }
  }
  return out;
}

// A claim as this book knows it. `row` is the claim as it will be written;
// the stored_* fields say what the store holds, so WriteTo writes only the
// difference.
struct ClaimBook::Claim {
  struct Count {
    uint64_t now = 0;
    uint64_t stored = 0;
  };
  ClaimRow row;
  std::optional<int32_t> stored_first_day;  // its key in the store, if stored
  bool stored_members = false;  // member rows under row.id may be stored
  bool members_loaded = false;  // every stored member row is in `members`
  bool dirty = false;
  bool deleted = false;
  bool rebuild = false;  // a statement of it was removed
  std::map<MemberKey, Count> members;  // those read or changed so far
};

ClaimBook::ClaimBook(const ReadView* view, int32_t window_days)
    : view_(view), window_days_(window_days) {}
ClaimBook::~ClaimBook() = default;

absl::Status ClaimBook::Load(const model::ClaimSubject& subject, model::DayRange days) {
  std::vector<Claim*>& list = by_subject_[subject];
  // Stored claims of a subject do not overlap and sort by first day, so
  // going back from the last one that starts early enough, the first that
  // ends too early ends the claims that can match.
  return view_->ScanClaimsBackward(subject, days.last + window_days_, [&](const ClaimRow& row) {
    if (row.last_day + window_days_ < days.first) return false;
    if (!known_.insert(row.id).second) return true;  // memory is newer
    auto c = std::make_unique<Claim>();
    c->row = row;
    c->stored_first_day = row.first_day;
    c->stored_members = true;
    list.push_back(c.get());
    claims_.push_back(std::move(c));
    return true;
  });
}

std::vector<ClaimBook::Claim*> ClaimBook::Matching(const model::ClaimSubject& subject,
                                                   model::DayRange days) {
  std::vector<Claim*> out;
  for (Claim* c : by_subject_[subject]) {
    // Any day within a claim's span is within the window of one of its
    // statements (model::GroupIntoClaims), so matching the span is matching
    // the claim.
    if (!c->deleted && model::DaysMatch({c->row.first_day, c->row.last_day}, days, window_days_)) {
      out.push_back(c);
    }
  }
  return out;
}

ClaimBook::Claim* ClaimBook::NewClaim(const model::ClaimSubject& subject) {
  auto c = std::make_unique<Claim>();
  c->row.subject = subject;
  c->members_loaded = true;
  c->dirty = true;
  by_subject_[subject].push_back(c.get());
  claims_.push_back(std::move(c));
  return claims_.back().get();
}

absl::Status ClaimBook::LoadAllMembers(Claim* c) {
  if (c->members_loaded) return absl::OkStatus();
  c->members_loaded = true;
  return view_->ScanClaimMembers(
      c->row.id, [&](ClaimSet set, std::string_view member, uint64_t count) {
        c->members.try_emplace(MemberKey{set, std::string(member)}, Claim::Count{count, count});
        return true;
      });
}

absl::Status ClaimBook::Bump(Claim* c, ClaimSet set, std::string_view member, int64_t delta) {
  MemberKey key{set, std::string(member)};
  auto it = c->members.find(key);
  if (it == c->members.end()) {
    uint64_t stored = 0;
    if (c->stored_members && !c->members_loaded) {
      auto got = view_->GetClaimMemberCount(c->row.id, set, member);
      if (!got.ok()) return got.status();
      stored = *got;
    }
    it = c->members.emplace(std::move(key), Claim::Count{stored, stored}).first;
  }
  const uint64_t before = it->second.now;
  if (delta < 0 && before < static_cast<uint64_t>(-delta)) {
    return absl::DataLossError("claim " + std::to_string(c->row.id) +
                               " counts a member less often than its statements");
  }
  it->second.now = before + delta;
  uint64_t& distinct = DistinctOf(&c->row, set);
  if (before == 0 && it->second.now > 0) ++distinct;
  if (before > 0 && it->second.now == 0) --distinct;
  c->dirty = true;
  return absl::OkStatus();
}

absl::Status ClaimBook::Count(Claim* c, const ClaimMember& m) {
  // A stored claim's member rows are under its id, which must not change
  // here: a new statement's id is greater than every stored one's.
  if (c->stored_members && c->row.statements > 0 && m.id < c->row.id) {
    return absl::InternalError("statement " + std::to_string(m.id) +
                               " is older than the claim it joins");
  }
  MergeRows(&c->row, RowOf(m));
  c->dirty = true;
  for (const auto& [set, member] : MemberKeysOf(m)) {
    if (absl::Status st = Bump(c, set, member, 1); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status ClaimBook::Absorb(Claim* into, Claim* from) {
  if (absl::Status st = LoadAllMembers(from); !st.ok()) return st;
  for (auto& [key, count] : from->members) {
    if (count.now > 0) {
      absl::Status st = Bump(into, key.first, key.second, static_cast<int64_t>(count.now));
      if (!st.ok()) return st;
    }
    count.now = 0;
  }
  MergeRows(&into->row, from->row);
  from->deleted = true;
  from->dirty = true;
  into->dirty = true;
  return absl::OkStatus();
}

absl::Status ClaimBook::Add(const ClaimMember& m) {
  if (removing_) return absl::FailedPreconditionError("a claim book either adds or removes");
  adding_ = true;
  if (absl::Status st = Load(m.subject, m.days); !st.ok()) return st;
  const std::vector<Claim*> matches = Matching(m.subject, m.days);
  if (matches.empty()) return Count(NewClaim(m.subject), m);
  // The statement joins every claim it matches into the one with the
  // smallest id, which stays the joined claim's id.
  Claim* keeper = *std::min_element(matches.begin(), matches.end(),
                                    [](Claim* a, Claim* b) { return a->row.id < b->row.id; });
  for (Claim* c : matches) {
    if (c == keeper) continue;
    if (absl::Status st = Absorb(keeper, c); !st.ok()) return st;
  }
  return Count(keeper, m);
}

absl::Status ClaimBook::Remove(const model::Statement& s) {
  if (adding_) return absl::FailedPreconditionError("a claim book either adds or removes");
  removing_ = true;
  const model::ClaimSubject subject = model::ClaimSubjectOf(s);
  const model::DayRange days = model::DayRangeOf(s.date);
  if (absl::Status st = Load(subject, days); !st.ok()) return st;
  for (Claim* c : by_subject_[subject]) {
    if (!c->deleted && c->row.first_day <= days.first && days.last <= c->row.last_day) {
      c->rebuild = true;
      removed_.insert(s.id);
      return absl::OkStatus();
    }
  }
  return absl::DataLossError("no claim holds statement " + std::to_string(s.id));
}

absl::Status ClaimBook::Rebuild(Claim* c) {
  const model::ClaimSubject subject = c->row.subject;
  // Every statement of the claim is dated inside its span, and no other
  // claim of the subject reaches into it: the pair's index over the span,
  // less what goes, is what remains of the claim.
  EdgeScan scan;
  scan.entity = std::min(subject.actor, subject.target);
  scan.pair_with = std::max(subject.actor, subject.target);
  scan.day_lo = c->row.first_day;
  scan.day_hi = c->row.last_day;
  scan.newest_first = false;
  std::vector<model::StatementId> ids;
  auto it = view_->ScanEdges(scan);
  for (; it->Valid(); it->Next()) {
    const model::EdgeEntry& e = it->entry();
    if (e.actor == subject.actor && e.target == subject.target &&
        e.cameo_code == subject.cameo_code && !removed_.count(e.statement)) {
      ids.push_back(e.statement);
    }
  }
  if (absl::Status st = it->status(); !st.ok()) return st;
  auto read = ReadClaimMembers(*view_, ids);
  if (!read.ok()) return read.status();
  std::vector<ClaimMember> members;
  std::vector<model::DayRange> days;
  for (ClaimMember& m : *read) {
    if (m.subject != subject) continue;  // another unclassified text
    days.push_back(m.days);
    members.push_back(std::move(m));
  }

  // The claim goes, with its member rows, and what remains of it comes back
  // as one claim or several, each under its own smallest id (which may be
  // the old one: WriteTo deletes before it writes).
  if (absl::Status st = LoadAllMembers(c); !st.ok()) return st;
  for (auto& [key, count] : c->members) count.now = 0;
  c->rebuild = false;
  c->deleted = true;
  c->dirty = true;
  for (const std::vector<size_t>& part : model::GroupIntoClaims(days, window_days_)) {
    Claim* into = NewClaim(subject);
    for (size_t i : part) {
      if (absl::Status st = Count(into, members[i]); !st.ok()) return st;
    }
  }
  return absl::OkStatus();
}

absl::Status ClaimBook::WriteTo(WriteSet* ws) {
  std::vector<Claim*> rebuild;
  for (const auto& c : claims_) {
    if (c->rebuild) rebuild.push_back(c.get());
  }
  for (Claim* c : rebuild) {
    if (absl::Status st = Rebuild(c); !st.ok()) return st;
  }
  // Deletes first: a claim may take the key another claim leaves (a joined
  // claim starting where the one it absorbed did; a rebuilt claim under its
  // old id).
  for (const auto& c : claims_) {
    if (!c->dirty) continue;
    if (c->stored_first_day && (c->deleted || *c->stored_first_day != c->row.first_day)) {
      ws->DeleteClaim(c->row.subject, *c->stored_first_day);
    }
    for (const auto& [key, count] : c->members) {
      if (count.now == 0 && count.stored > 0) {
        ws->DeleteClaimMember(c->row.id, key.first, key.second);
      }
    }
  }
  for (const auto& c : claims_) {
    if (!c->dirty) continue;
    if (!c->deleted) ws->PutClaim(c->row);
    for (const auto& [key, count] : c->members) {
      if (count.now > 0 && count.now != count.stored) {
        ws->PutClaimMember(c->row.id, key.first, key.second, count.now);
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace entente::storage
