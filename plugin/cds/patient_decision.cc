#include "plugin/cds/patient_decision.h"

#include "plugin/cds/offer_policy.h"

namespace selvhjelp::plugin {

namespace {

// Of the EHR's latest record and ours, the older one is dropped when they fall on different days.
// A "not relevant now" answer is not a record of information (it only puts the card off for the
// encounter), so it never makes an EHR record count less.
void NewerDecides(std::optional<PriorRecord>& ehr, std::optional<LocalOutcome>& local) {
  if (!ehr || !local) return;
  const int64_t local_day = local->at / 86400;
  if (local_day > ehr->sent_day && local->override_code != "not-relevant-now") ehr.reset();
  else if (ehr->sent_day > local_day) local.reset();
}

}  // namespace

PatientDecision DecidePatient(const DecisionDeps& deps, const ResolvedData& data, const std::string& fhir_server_in,
                              const std::string& patient_id, const std::string& encounter_id,
                              const std::string& accept_language, Prompt prompt, GroupsFor groups_for) {
  const config::ServiceConfig& cfg = *deps.config;
  PatientDecision decision;
  decision.facts = ExtractFacts(data, *deps.diagnoses, *deps.geography);
  if (!decision.facts.in_scope) return decision;
  const PatientFacts& facts = decision.facts;

  decision.language = cfg.language;
  if (decision.language.empty()) decision.language = facts.practitioner_language;
  if (decision.language.empty()) decision.language = LanguageFromAcceptLanguage(accept_language);
  if (decision.language.empty() || !deps.texts->HasLanguage(decision.language)) decision.language = "nb";

  const int64_t now = deps.clock();
  const OfferPolicy policy{cfg.informed_interval_days, cfg.declined_reoffer_days};
  // Records made through POST /records are keyed by records.fhirServer: a call without a
  // fhirServer is taken to come from that EHR.
  const std::string& fhir_server = fhir_server_in.empty() ? cfg.records.fhir_server : fhir_server_in;
  decision.subject_key = deps.ledger->SubjectKey(fhir_server, patient_id);
  // Unknown when the EHR gave no answer, or an error in its place (null is its "none there").
  const fhir::JsonRef ehr_records = data.Find("informationRecords");
  decision.ehr_records_unknown = !ehr_records || ehr_records.FindString("resourceType") == "OperationOutcome";
  if (!facts.municipality.empty()) {
    decision.municipality_name = deps.geography->MunicipalityName(facts.municipality).value_or("");
    decision.county_name = deps.geography->CountyName(facts.municipality.substr(0, 2)).value_or("");
    decision.region_name = deps.geography->HealthRegion(facts.municipality.substr(0, 2)).value_or("");
  }
  auto add = [&](Recipient recipient, const char* name, std::vector<std::string> refs,
                 const std::optional<PriorRecord>& ehr_record) {
    RecipientDecision& r = decision.recipients.emplace_back();
    r.recipient = recipient;
    r.name = name;
    r.refs = std::move(refs);
    r.ehr_record = ehr_record;
  };
  add(Recipient::kPatient, "patient", {"Patient/" + patient_id}, facts.latest_to_patient);
  if (!facts.relative_refs.empty()) add(Recipient::kRelatives, "relatives", facts.relative_refs, facts.latest_to_relatives);
  decision.directory = deps.directory->Current();
  // Our feedback and records for every recipient at once (one round trip with PostgreSQL).
  std::vector<std::string> names;
  for (const RecipientDecision& r : decision.recipients) names.push_back(r.name);
  std::vector<std::optional<LocalOutcome>> local = deps.ledger->LatestOutcomes(decision.subject_key, names, deps.outbox);
  for (size_t i = 0; i < decision.recipients.size(); ++i) {
    RecipientDecision& r = decision.recipients[i];
    r.local_record = std::move(local[i]);
    NewerDecides(r.ehr_record, r.local_record);
    r.offer = ShouldOffer(r.ehr_record, r.local_record, encounter_id, prompt, now, policy);
    if (!r.offer && groups_for == GroupsFor::kOffered) continue;
    r.groups = decision.directory->Match(facts.municipality, r.recipient, cfg.max_groups_per_section, {}, facts.position);
  }
  return decision;
}

}  // namespace selvhjelp::plugin
