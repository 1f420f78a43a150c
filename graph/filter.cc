#include "graph/filter.h"

#include "graph/claims_query.h"
#include "graph/taxonomy.h"
#include "graph/validate.h"
#include "storage/store.h"

namespace entente::graph {

void ValidateWindow(const model::Date& from, const model::Date& to, const std::string& prefix,
                    std::vector<model::FieldViolation>* out) {
  const size_t before = out->size();
  ValidateDate(from, false, prefix + "date_from", out);
  ValidateDate(to, false, prefix + "date_to", out);
  if (out->size() == before && from.year != 0 && to.year != 0 &&
      model::FirstDay(from) > model::LastDay(to)) {
    out->push_back({prefix + "date_to", "is before date_from"});
  }
}

void ValidateEdgeFilter(const EdgeFilter& f, const std::string& prefix,
                        std::vector<model::FieldViolation>* out) {
  ValidateWindow(f.date_from, f.date_to, prefix, out);
  for (size_t i = 0; i < f.code_prefixes.size(); ++i) {
    const std::string& p = f.code_prefixes[i];
    if (p.empty() || p.size() > 4 || p.find_first_not_of("0123456789") != std::string::npos) {
      out->push_back({prefix + "code_prefixes[" + std::to_string(i) + "]",
                      "must be 1 to 4 digits, e.g. \"19\""});
    }
  }
  for (size_t i = 0; i < f.quad_classes.size(); ++i) {
    if (static_cast<int>(f.quad_classes[i]) > 4) {
      out->push_back({prefix + "quad_classes[" + std::to_string(i) + "]", "is not a quad class"});
    }
  }
  if (!(f.min_confidence >= 0 && f.min_confidence <= 1)) {
    out->push_back({prefix + "min_confidence", "must be in 0..1"});
  }
  for (size_t i = 0; i < f.modalities.size(); ++i) {
    if (static_cast<int>(f.modalities[i]) > 4) {
      out->push_back({prefix + "modalities[" + std::to_string(i) + "]", "is not a modality"});
    }
  }
  if (f.min_sources < 0) out->push_back({prefix + "min_sources", "must be 0 or more"});
  if (f.contested != Contested::kAny && f.contested != Contested::kOnly &&
      f.contested != Contested::kExclude) {
    out->push_back({prefix + "contested", "must be CONTESTED_ANY, CONTESTED_ONLY or CONTESTED_EXCLUDE"});
  }
}

const ClaimLookup::Facts* ClaimLookup::Find(const model::EdgeEntry& e) {
  if (!status_.ok()) return nullptr;
  auto subject = ClaimSubjectOfEntry(view_, e);
  if (!subject.ok()) {
    status_ = subject.status();
    return nullptr;
  }
  auto& claims = claims_[*subject];
  auto it = claims.upper_bound(e.day);
  if (it != claims.begin() && std::prev(it)->second.last_day >= e.day) {
    return &std::prev(it)->second;
  }
  auto row = ClaimHoldingDay(view_, *subject, e.day, e.statement);
  if (!row.ok()) {
    status_ = row.status();
    return nullptr;
  }
  const Facts facts{row->first_day, row->last_day, row->sources,
                    model::IsContested(row->modalities[0], row->modalities[1])};
  return &claims.emplace(facts.first_day, facts).first->second;
}

CompiledFilter::CompiledFilter(const EdgeFilter& f)
    : day_lo_(f.date_from.year != 0 ? model::FirstDay(f.date_from) : model::kMinDay),
      day_hi_(f.date_to.year != 0 ? model::LastDay(f.date_to) : model::kMaxDay),
      prefixes_(f.code_prefixes),
      min_confidence_(static_cast<float>(f.min_confidence)),
      min_sources_(f.min_sources),
      contested_(f.contested) {
  for (auto q : f.quad_classes) quad_mask_ |= static_cast<uint8_t>(1u << static_cast<int>(q));
  has_modalities_ = !f.modalities.empty();
  for (auto m : f.modalities) {
    // Unspecified is stored as asserted.
    const auto stored = m == model::Modality::kUnspecified ? model::Modality::kAsserted : m;
    modality_mask_ |= static_cast<uint8_t>(1u << static_cast<int>(stored));
  }
}

bool CompiledFilter::Matches(const model::EdgeEntry& e) const {
  if (e.confidence < min_confidence_) return false;
  if (modality_mask_ != 0 && !(modality_mask_ & (1u << static_cast<int>(e.modality)))) {
    return false;
  }
  if (!prefixes_.empty()) {
    bool any = false;
    for (const auto& p : prefixes_) {
      if (e.cameo_code.compare(0, p.size(), p) == 0 && e.cameo_code.size() >= p.size()) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  if (quad_mask_ != 0) {
    const auto q = Taxonomy::Get().QuadOf(e.cameo_code);
    if (!(quad_mask_ & (1u << static_cast<int>(q)))) return false;
  }
  if (needs_claims()) {
    const ClaimLookup::Facts* c = claims_ ? claims_->Find(e) : nullptr;
    if (c == nullptr) return false;
    if (c->sources < static_cast<uint64_t>(min_sources_)) return false;
    if (contested_ == Contested::kOnly && !c->contested) return false;
    if (contested_ == Contested::kExclude && c->contested) return false;
  }
  return true;
}

std::optional<CompiledFilter::ForCells> CompiledFilter::ForSummaries() const {
  if (min_confidence_ > 0 || has_modalities_ || needs_claims()) return std::nullopt;
  for (const auto& p : prefixes_) {
    if (p.size() > 2) return std::nullopt;
  }
  auto month_of = [](int32_t day) {
    const model::Date d = model::DateOfDay(day);
    return d.year * 12 + d.month - 1;
  };
  ForCells out;
  if (day_lo_ == model::kMinDay) {
    out.month_lo = INT32_MIN;
  } else if (model::DateOfDay(day_lo_).day == 1) {
    out.month_lo = month_of(day_lo_);
  } else {
    return std::nullopt;
  }
  if (day_hi_ == model::kMaxDay) {
    out.month_hi = INT32_MAX;
  } else if (model::DateOfDay(day_hi_ + 1).day == 1) {
    out.month_hi = month_of(day_hi_);
  } else {
    return std::nullopt;
  }
  for (int root = 0; root <= 20; ++root) {
    model::EdgeEntry probe;  // a statement whose code is the root itself
    if (root > 0) probe.cameo_code = {static_cast<char>('0' + root / 10), static_cast<char>('0' + root % 10)};
    probe.confidence = 1;
    probe.modality = model::Modality::kAsserted;
    out.roots[root] = Matches(probe);
  }
  return out;
}

}  // namespace entente::graph
