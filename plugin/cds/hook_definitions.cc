#include "plugin/cds/hook_definitions.h"

#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

std::vector<PrefetchTemplate> Templates(bool with_encounter) {
  std::string records = "Communication?patient={{context.patientId}}&category=" +
                        std::string(vocabulary::kCategorySystem) + "|" +
                        std::string(vocabulary::kCategoryCode);
  std::vector<PrefetchTemplate> t = {
      {"patient", "Patient/{{context.patientId}}", true},
      {"conditions", "Condition?patient={{context.patientId}}&clinical-status=active", true},
      // Optional: an EHR without Communication search (DIPS Arena) still gets cards, decided on
      // our store's records (docs/records.md).
      {"informationRecords", records, false},
      {"relatedPersons", "RelatedPerson?patient={{context.patientId}}&active=true", false},
      {"episodesOfCare", "EpisodeOfCare?patient={{context.patientId}}&status=active", false},
      {"practitioner", "Practitioner/{{userPractitionerId}}", false},
  };
  if (with_encounter) t.push_back({"encounter", "Encounter/{{context.encounterId}}", false});
  return t;
}

}  // namespace

const std::vector<HookService>& HookServices() {
  static const std::vector<HookService> services = {
      {"selvhjelp-patient-view", "patient-view", "Selvhjelpsgrupper i rusbehandling",
       "Suggests local self-help groups (AA, NA, Al-Anon, Selvhjelp Norge, LINK and others) for a "
       "patient in substance-use treatment and their relatives, and lets the clinician record "
       "that they were informed. Informs and motivates; never refers.",
       Templates(false), false},
      {"selvhjelp-encounter-start", "encounter-start", "Selvhjelpsgrupper ved innkomst",
       "Early in the encounter: suggests local self-help groups for the patient and relatives "
       "unless information is already recorded for this encounter or interval.",
       Templates(true), true},
      {"selvhjelp-encounter-discharge", "encounter-discharge", "Selvhjelpsgrupper ved utskriving",
       "Last reminder at discharge when no information about self-help groups is recorded.",
       Templates(true), true},
  };
  return services;
}

const HookService* FindHookService(std::string_view id) {
  for (const HookService& s : HookServices()) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

JsonValue DiscoveryDocument() {
  JsonValue doc = JsonValue::Object();
  JsonValue& list = doc.Set("services", JsonValue::Array());
  for (const HookService& s : HookServices()) {
    JsonValue service = JsonValue::Object();
    service.Set("hook", s.hook);
    service.Set("title", s.title);
    service.Set("description", s.description);
    service.Set("id", s.id);
    JsonValue& prefetch = service.Set("prefetch", JsonValue::Object());
    for (const PrefetchTemplate& t : s.prefetch) prefetch.Set(t.key, t.query);
    service.Set("usageRequirements",
                "Needs prefetch, or fhirServer with fhirAuthorization allowing reads of Patient, "
                "Condition, Communication, RelatedPerson, EpisodeOfCare, Encounter and Practitioner. "
                "Communication is optional: without it the service decides on its own records.");
    list.Append(std::move(service));
  }
  return doc;
}

}  // namespace selvhjelp::plugin
