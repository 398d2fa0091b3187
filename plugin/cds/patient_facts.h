#pragma once
// PatientFacts: what a decision needs, read from the resolved FHIR data. Reads only what it
// needs and keeps nothing that identifies the patient beyond references.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/diagnosis_table.h"
#include "mappings/geography.h"
#include "plugin/cds/prefetch_resolver.h"
#include "plugin/groups/group_directory.h"

namespace selvhjelp::plugin {

struct PriorRecord {
  int64_t sent_day = 0;      // days since 1970-01-01
  std::string response;      // patient-response code, empty when not recorded
  std::string encounter_id;  // where it was recorded, if any
};

struct PatientFacts {
  bool in_scope = false;     // a substance-use diagnosis (or qualifying episode/encounter reason)
  std::string municipality;  // 4-digit kommunenummer; empty when unknown
  std::optional<Position> position;  // from the address's geolocation extension, when present
  std::vector<std::string> relative_refs;  // "RelatedPerson/x" for active relatives
  std::optional<PriorRecord> latest_to_patient;
  std::optional<PriorRecord> latest_to_relatives;
  std::string practitioner_language;  // nb | nn | en, or empty
};

PatientFacts ExtractFacts(const ResolvedData& data, const mappings::DiagnosisTable& diagnoses,
                          const mappings::Geography& geography);

// The municipality of a FHIR Patient: the no-basis municipality-code extension on
// Address.district (or on the Address), then the district name, then the postal code, then the
// city. Home addresses without an end date are preferred. Empty when none of these is known.
std::string MunicipalityOf(const fhir::JsonValue& patient, const mappings::Geography& geography);

// The position in the patient's address (the standard geolocation extension), preferring current
// home addresses; nullopt when no address has one.
std::optional<Position> PositionOf(const fhir::JsonValue& patient);

// nb | nn | en for a language tag ("nb-NO", "no", "en-GB"); empty when not one of those.
std::string SupportedLanguage(std::string_view tag);

// The best supported language in an Accept-Language header, or empty.
std::string LanguageFromAcceptLanguage(std::string_view header);

}  // namespace selvhjelp::plugin
