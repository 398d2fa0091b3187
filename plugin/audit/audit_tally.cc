#include "plugin/audit/audit_tally.h"

namespace selvhjelp::plugin {

std::optional<double> Tally::Score() const {
  const int64_t base = initial - excluded;
  if (base <= 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(base);
}

std::string LevelStratum(const EpisodeResult& e) { return std::string(LevelCode(e.informed ? e.level : 0)); }

std::string ResponseStratum(const EpisodeResult& e) {
  if (!e.informed) return "none";
  return e.response.empty() ? "not-recorded" : e.response;
}

namespace {

void Count(Tally& t, bool excluded, bool informed) {
  ++t.initial;
  if (excluded) ++t.excluded;
  else if (informed) ++t.numerator;
}

// `mix`: also by level and response (the patient's own record; the relatives group has none).
void CountAll(GroupTally& g, const EpisodeResult& e, bool excluded, bool informed, bool mix) {
  Count(g.total, excluded, informed);
  Count(g.by_unit[e.unit], excluded, informed);
  Count(g.by_month[e.month], excluded, informed);
  if (!mix) return;
  Count(g.by_level[LevelStratum(e)], excluded, informed);
  Count(g.by_response[ResponseStratum(e)], excluded, informed);
}

}  // namespace

void AuditTally::Add(const EpisodeResult& e) {
  const bool excluded = !e.exclusion.empty();
  CountAll(patients, e, excluded, e.informed, true);
  if (e.relatives > 0) CountAll(relatives, e, excluded, e.relatives_informed, false);
}

namespace {

void MergeTally(Tally& into, const Tally& from) {
  into.initial += from.initial;
  into.excluded += from.excluded;
  into.numerator += from.numerator;
}

void MergeGroup(GroupTally& into, const GroupTally& from) {
  MergeTally(into.total, from.total);
  for (auto [strata, other] : {std::pair{&into.by_unit, &from.by_unit}, std::pair{&into.by_month, &from.by_month},
                               std::pair{&into.by_level, &from.by_level}, std::pair{&into.by_response, &from.by_response}}) {
    for (const auto& [name, tally] : *other) MergeTally((*strata)[name], tally);
  }
}

}  // namespace

void AuditTally::Merge(const AuditTally& other) {
  MergeGroup(patients, other.patients);
  MergeGroup(relatives, other.relatives);
}

}  // namespace selvhjelp::plugin
