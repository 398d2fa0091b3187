#pragma once
// InformationRecord: one conversation in which a patient or their relatives were informed about
// self-help groups, as the three ways in (card action, POST /records, accepted feedback) agree on
// it. docs/records.md gives the domain rule behind each field.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fhir/r4/date_time.h"

namespace selvhjelp::plugin {

// A FHIR Reference as the caller gave it: a literal reference at the EHR ("Patient/123") and/or a
// logical one (identifier system + value), with an optional display.
struct RecordReference {
  std::string reference;
  std::string identifier_system;
  std::string identifier_value;
  std::string display;
};

// A group that was named in the conversation, resolved against the directory.
struct GroupGiven {
  std::string identifier;  // the directory's group identifier ("source|id")
  std::string name;
  std::string organisation;
};

struct InformationRecord {
  std::string id;             // UUID: the Communication's identifier urn:uuid:<id>
  bool from_suggestion = false;  // id is a CDS Hooks suggestion's uuid
  RecordReference patient;    // reference "Patient/<id>" required; identifier FNR/DNR/FHN optional
  std::vector<RecordReference> recipients;  // the patient, or RelatedPersons
  bool to_relatives = false;  // recipients are RelatedPersons
  RecordReference practitioner;  // "Practitioner/<id>" and/or HPR identifier
  std::string encounter_id;   // optional
  std::string sent;           // FHIR dateTime with time zone
  int64_t sent_seconds = 0;
  std::string level;          // written | conversation | brokered
  std::string response;       // interested | thinking | declined | already-attends
  std::vector<std::string> group_ids;  // HealthcareService ids of the directory, as given
  std::vector<GroupGiven> groups;      // filled from the directory
  RecordReference consent_organisation;  // brokered only: who may receive the contact details
  std::string consent_shares;            // brokered only: which details (shared-contact-details code), or empty
};

// Procedure for the two levels meant to change the patient's mind (FHIR's boundary rule).
inline bool NeedsProcedure(const InformationRecord& r) { return r.level != "written"; }
inline bool NeedsConsent(const InformationRecord& r) { return r.level == "brokered"; }

// `sent` as Norway's clocks showed it ("2026-03-15T00:30:00+01:00" for 23:30 UTC the day before):
// the date and time a journal note and a consent's day are read by.
inline std::string SentInNorway(const InformationRecord& r) {
  const std::optional<int64_t> at = fhir::EpochSeconds(r.sent);
  return at ? fhir::NorwayDateTime(*at) : r.sent;
}

}  // namespace selvhjelp::plugin
