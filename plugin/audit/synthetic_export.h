#pragma once
// A synthetic FHIR Bulk Data export for tests and benchmarks: patients in substance-use
// treatment with episodes, encounters, diagnoses, relatives and records of information given,
// and the figures the audit must find in it (expected.json), known from how it was generated.
// All people are invented; fødselsnumre are synthetic (month + 80, as Skatteetaten's Test-Norge).
#include <cstdint>
#include <filesystem>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::plugin {

struct SyntheticExportSpec {
  int64_t patients = 1000;
  uint64_t seed = 1;
  int64_t from_day = 0, to_day = 0;  // the audit period the ground truth is for
  int transferred_out_days = 7;      // the audit setting the ground truth assumes
};

// Writes Patient, EpisodeOfCare, Encounter, Condition, RelatedPerson and Communication .ndjson
// files and expected.json into `dir` (created). Returns expected.json's content.
[[nodiscard]] Result<fhir::JsonValue> WriteSyntheticExport(const SyntheticExportSpec& spec,
                                                           const std::filesystem::path& dir);

// The units the synthetic episodes belong to ("Organization/unit-1" ...).
inline constexpr const char* kSyntheticUnits[] = {"Organization/unit-1", "Organization/unit-2", "Organization/unit-3",
                                                  "Organization/unit-4"};

}  // namespace selvhjelp::plugin
