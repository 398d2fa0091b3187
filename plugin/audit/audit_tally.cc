#include "plugin/audit/audit_tally.h"

namespace selvhjelp::plugin {

std::optional<double> Tally::Score() const {
  const int64_t base = initial - excluded;
  if (base <= 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(base);
}

std::string LevelStratum(bool informed, int level) { return std::string(LevelCode(informed ? level : 0)); }

std::string ResponseStratum(bool informed, const std::string& response) {
  if (!informed) return "none";
  return response.empty() ? "not-recorded" : response;
}

namespace {

void Count(Tally& t, bool excluded, bool informed) {
  ++t.initial;
  if (excluded) ++t.excluded;
  else if (informed) ++t.numerator;
}

// `level` and `response`: of the group's own records (to the patient, or to relatives).
void CountAll(GroupTally& g, const EpisodeResult& e, bool excluded, bool informed, int level,
              const std::string& response) {
  Count(g.total, excluded, informed);
  Count(g.by_unit[e.unit], excluded, informed);
  Count(g.by_month[e.month], excluded, informed);
  Count(g.by_level[LevelStratum(informed, level)], excluded, informed);
  Count(g.by_response[ResponseStratum(informed, response)], excluded, informed);
}

}  // namespace

void AuditTally::Add(const EpisodeResult& e) {
  const bool excluded = !e.exclusion.empty();
  CountAll(patients, e, excluded, e.informed, e.level, e.response);
  if (e.relatives > 0) CountAll(relatives, e, excluded, e.relatives_informed, e.relatives_level, e.relatives_response);
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
