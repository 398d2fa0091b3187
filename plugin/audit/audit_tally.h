#pragma once
// Counts of the measure's populations, overall and per stratum, for both groups (patients and
// relatives). Holds no patient identifiers: only counts.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "plugin/audit/episode_evaluator.h"

namespace selvhjelp::plugin {

struct Tally {
  int64_t initial = 0;    // initial population = denominator (patient-episodes)
  int64_t excluded = 0;   // denominator exclusions
  int64_t numerator = 0;  // informed, among those not excluded
  // numerator / (denominator - exclusions); nullopt when nothing is left to divide by.
  std::optional<double> Score() const;
};

struct GroupTally {
  Tally total;
  std::map<std::string, Tally> by_unit, by_month, by_level, by_response;  // level/response: of this group's records
};

struct AuditTally {
  GroupTally patients;   // every episode
  GroupTally relatives;  // episodes of patients with at least one RelatedPerson
  void Add(const EpisodeResult& episode);
  void Merge(const AuditTally& other);  // adds another tally's counts (from another thread)
};

// The strata an episode falls in, by the records to the patient or (the relatives group) to relatives.
std::string LevelStratum(bool informed, int level);                    // none | written | conversation | brokered
std::string ResponseStratum(bool informed, const std::string& response);  // none | not-recorded | interested | ...

}  // namespace selvhjelp::plugin
