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
  // The encounter the data is about (the `encounter` key), when there is one: its logical id and
  // DIPS Arena's care-episode identifier (dips-omsorgsepisodeid). No EpisodeOfCare is needed:
  // DIPS has none, and its encounter stands for the care episode.
  std::string encounter_id;
  std::string care_episode;  // empty when the encounter has no such identifier
};

// In scope (`in_scope`) when: an active, or unstated, Condition with a substance-use code; the
// encounter's reasonCode, or a Condition the encounter names as its diagnosis or that names the
// encounter (by reference or by DIPS care-episode identifier), unless refuted or entered in
// error; or an EpisodeOfCare's type. An earlier record names the current encounter also when
// the EHR's copy refers to it only by its care-episode identifier.
PatientFacts ExtractFacts(const ResolvedData& data, const mappings::DiagnosisTable& diagnoses,
                          const mappings::Geography& geography);

// The municipality of a FHIR Patient, as today's 4-digit number: a coded municipality (the
// no-basis municipality-code extension or DIPS Arena's own, on Address.district, on the Address
// or in no-basis-propertyinformation; a number retired in the 2020 or 2024 reform is read as
// today's through Geography::TodaysNumbers), then the district name, then the postal code, then
// the city. Address.state is not read (DIPS puts the county number there, no-basis its name).
// Current home addresses are preferred. Empty when none of these is known.
std::string MunicipalityOf(fhir::JsonRef patient, const mappings::Geography& geography);

// The position in the patient's address (the standard geolocation extension), preferring current
// home addresses; nullopt when no address has one.
std::optional<Position> PositionOf(fhir::JsonRef patient);

// nb | nn | en for a language tag ("nb-NO", "no", "en-GB"); empty when not one of those.
std::string SupportedLanguage(std::string_view tag);

// The best supported language in an Accept-Language header, or empty.
std::string LanguageFromAcceptLanguage(std::string_view header);

}  // namespace selvhjelp::plugin
