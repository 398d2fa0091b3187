#pragma once
// The measure applied to one patient: which of their episodes are in the initial population,
// which are excluded, and whether the patient and their relatives were informed during each.
#include <cstdint>
#include <string>
#include <vector>

#include "plugin/audit/audit_facts.h"
#include "plugin/audit/audit_rules.h"

namespace selvhjelp::plugin {

struct EpisodeResult {
  std::string patient_id;
  std::string identifier;  // fødselsnummer / D-nummer when the export has it (drill-down only)
  std::string episode;     // "EpisodeOfCare/<id>" or "Encounter/<id>"
  std::string unit;        // the unit's name (its reference when not configured)
  int64_t start = 0, end = kOpenEnd;
  std::string exclusion;   // "", "deceased" or "transferred-out"
  bool informed = false;
  int64_t informed_day = 0;  // the first record during the episode
  int level = 0;             // the highest level given during the episode (0: none)
  std::string response;      // of the latest record during the episode ("" when none or not recorded)
  int relatives = 0;         // the patient's active RelatedPersons
  bool relatives_informed = false;
  int relatives_level = 0;           // as `level`, of the records to relatives
  std::string relatives_response;    // as `response`, of the latest record to relatives
  std::string month;         // YYYY-MM of the episode's start, or of the period's start if earlier
};

// The episodes of `patient_id` in the initial population (docs/audit.md), each with its outcome.
std::vector<EpisodeResult> EvaluatePatient(const std::string& patient_id, const PatientAuditFacts& facts,
                                           const AuditRules& rules);

// "YYYY-MM-DD" for a day since 1970-01-01 (empty for an open end).
std::string DayText(int64_t day);

}  // namespace selvhjelp::plugin
