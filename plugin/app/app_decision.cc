#include "plugin/app/app_decision.h"

#include <memory>

#include "plugin/cds/cds_request.h"
#include "plugin/cds/hook_definitions.h"
#include "plugin/cds/prefetch_resolver.h"

namespace selvhjelp::plugin {

namespace {

// The patient-view service's queries, with the earlier records optional (see the header).
HookService AppQueries(bool with_encounter) {
  HookService service = *FindHookService("selvhjelp-patient-view");
  for (PrefetchTemplate& t : service.prefetch) {
    if (t.key == "informationRecords") t.required = false;
  }
  if (with_encounter) service.prefetch.push_back({"encounter", "Encounter/{{context.encounterId}}", false});
  return service;
}

}  // namespace

void DecideForApp(const LaunchContext& launch, const DecisionDeps& deps, fhir::FhirClient& client,
                  const fhir::FhirReadOptions& options, const std::string& accept_language,
                  std::function<void(Result<PatientDecision>)> done) {
  auto request = std::make_shared<CdsRequest>();
  request->hook = "patient-view";
  request->fhir_server = launch.iss;
  request->access_token = launch.access_token;
  request->user_id = launch.fhir_user;
  request->patient_id = launch.patient;
  request->encounter_id = launch.encounter;
  auto service = std::make_shared<const HookService>(AppQueries(!launch.encounter.empty()));
  ResolvePrefetch(*request, *service, client, options,
                  [request, service, deps, accept_language, done = std::move(done)](Result<ResolvedData> data) {
                    if (!data.ok()) return done(data.status());
                    done(DecidePatient(deps, *data, request->fhir_server, request->patient_id, request->encounter_id,
                                       accept_language, GroupsFor::kAll));
                  });
}

}  // namespace selvhjelp::plugin
