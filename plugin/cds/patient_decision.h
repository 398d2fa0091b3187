#pragma once
// The decision for one patient, the same for both doors: a CDS Hooks call (the card) and the
// clinician app (the page). From the patient's FHIR data it says whether the patient is in scope,
// and for the patient and for the relatives whether to offer information now (the informed and
// declined intervals over the EHR's records, our feedback and our outbox), and which groups to
// show, in card order. No decision logic lives anywhere else.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/service_config.h"
#include "mappings/diagnosis_table.h"
#include "mappings/geography.h"
#include "mappings/text_catalog.h"
#include "plugin/cds/offer_policy.h"
#include "plugin/cds/patient_facts.h"
#include "plugin/cds/prefetch_resolver.h"
#include "plugin/groups/live_directory.h"
#include "plugin/store/ledger.h"
#include "plugin/store/outbox.h"

namespace selvhjelp::plugin {

struct DecisionDeps {
  const config::ServiceConfig* config;
  const mappings::DiagnosisTable* diagnoses;
  const mappings::Geography* geography;
  const mappings::TextCatalog* texts;
  const LiveDirectory* directory;
  const Ledger* ledger;
  const Outbox* outbox;            // records not yet seen in the EHR; may be null
  std::function<int64_t()> clock;  // seconds since the epoch
};

struct RecipientDecision {
  Recipient recipient = Recipient::kPatient;
  std::string name;               // "patient" | "relatives" (the ledger's recipient kind)
  std::vector<std::string> refs;  // "Patient/x", or the active RelatedPersons
  std::optional<PriorRecord> ehr_record;     // the latest record in the EHR's data
  std::optional<LocalOutcome> local_record;  // the latest feedback or record in our store
  // Where both are known, only the newer one decides (by day; on the same day both do): a record
  // made after another supersedes it, whichever system holds it. A local "not relevant now"
  // does not supersede an EHR record (docs/records.md).
  bool offer = false;  // information is due now (ShouldOffer)
  GroupMatch groups;   // the groups for this recipient, in card order (see GroupsFor)
};

struct PatientDecision {
  PatientFacts facts;          // in_scope false: nothing else is filled in
  std::string language;        // nb | nn | en
  std::string subject_key;     // Ledger::SubjectKey of the patient (never the id)
  // The EHR's earlier records could not be had (the informationRecords prefetch was not sent or
  // was an error, and could not be read): decided on our store's records alone, which the card
  // and the page say.
  bool ehr_records_unknown = false;
  std::string municipality_name, county_name, region_name;  // empty when the place is unknown
  std::vector<RecipientDecision> recipients;  // the patient, then the relatives when there are any
  std::shared_ptr<const GroupDirectory> directory;  // keeps the groups pointed to alive
};

// Which recipients get their groups chosen: a card needs them only when information is due; the
// app shows them always.
enum class GroupsFor { kOffered, kAll };

// Decides for `patient_id` at `fhir_server` (empty: records.fhirServer, the EHR records come
// from), seen in `encounter_id` (may be empty), asked by `prompt` (ShouldOffer). The language is
// the configured one, else the practitioner's, else `accept_language`'s, else nb.
PatientDecision DecidePatient(const DecisionDeps& deps, const ResolvedData& data, const std::string& fhir_server,
                              const std::string& patient_id, const std::string& encounter_id,
                              const std::string& accept_language, Prompt prompt, GroupsFor groups_for);

}  // namespace selvhjelp::plugin
