#pragma once
// The few facts the audit needs from each FHIR resource of an export, as one tab-separated line,
// so a health region's millions of resources can be split by patient into partitions on disk
// and evaluated one partition at a time in bounded memory.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/json_view.h"
#include "plugin/audit/audit_rules.h"

namespace selvhjelp::plugin {

inline constexpr int64_t kOpenEnd = INT64_MAX / 4;     // an episode without an end
inline constexpr int64_t kUnknownDay = INT64_MIN / 4;  // deceased, date unknown

// Sets `line` to the facts of one resource, "<kind>\t<patient id>\t..." (no newline), and returns
// true; false for a resource the audit does not use (other types, entered-in-error, our category
// missing, no patient, Communications when rules.store_records gives the records).
bool FactLine(const fhir::JsonView& resource, const AuditRules& rules, std::string& line);

// The facts of one patient, read from fact lines; the views point into those lines, which must
// outlive them.
struct PatientFact { int64_t deceased_day = 0; bool deceased = false; std::string_view identifier; };
struct EpisodeFact { std::string_view id; int64_t start = 0, end = kOpenEnd; std::string_view unit; bool typed = false; std::string_view conditions; };
struct EncounterFact { std::string_view id; int64_t start = 0, end = kOpenEnd; std::string_view unit; std::string_view episode; bool reason = false; std::string_view conditions; bool transfer = false; };
struct RecordFact { int64_t sent = 0; bool to_patient = false; bool to_relatives = false; int level = 0; std::string_view response; };

// Everything known about one patient, gathered from the fact lines of a partition. `conditions`
// fields are comma-separated Condition ids.
struct PatientAuditFacts {
  std::optional<PatientFact> patient;
  std::vector<EpisodeFact> episodes;
  std::vector<EncounterFact> encounters;
  std::vector<std::string_view> qualifying_conditions;  // ids; few per patient
  int relatives = 0;
  std::vector<RecordFact> records;
  // Empties it for the next patient, keeping the vectors' capacity.
  void Clear();
};

// The patient id a fact line is about (empty for a malformed line).
std::string_view PatientOfFactLine(std::string_view line);
// Adds one fact line to the facts of its patient; false for a malformed line.
bool AddFactLine(std::string_view line, PatientAuditFacts& facts);

// Intervention levels in order (1 written, 2 conversation, 3 brokered; 0 none).
int LevelRank(std::string_view code);
std::string_view LevelCode(int rank);

}  // namespace selvhjelp::plugin
