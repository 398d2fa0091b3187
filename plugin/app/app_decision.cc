#include "plugin/app/app_decision.h"

#include <memory>

#include "fhir/r4/bundle.h"
#include "plugin/cds/cds_request.h"
#include "plugin/cds/hook_definitions.h"
#include "plugin/cds/prefetch_resolver.h"

namespace selvhjelp::plugin {

namespace {

// The patient-view service's queries (the earlier records are optional there too).
HookService AppQueries(bool with_encounter) {
  HookService service = *FindHookService("selvhjelp-patient-view");
  if (with_encounter) service.prefetch.push_back({"encounter", "Encounter/{{context.encounterId}}", false});
  return service;
}

// The active relatives with their names and relationship, from the same search the decision used.
std::vector<RelativeName> RelativesOf(const ResolvedData& data) {
  std::vector<RelativeName> out;
  for (fhir::JsonRef r : fhir::BundleResources(data.Find("relatedPersons"), "RelatedPerson")) {
    if (r.FindBool("active") == false) continue;
    RelativeName relative{fhir::ReferenceTo(r), PersonName(r)};
    if (relative.reference.empty()) continue;
    const fhir::JsonRef::Items relationships = r.Find("relationship").items();
    if (!relative.display.empty() && !relationships.empty()) {
      if (auto text = (*relationships.begin()).FindString("text"); text && !text->empty()) {
        relative.display += " (" + std::string(*text) + ")";
      }
    }
    out.push_back(std::move(relative));
  }
  return out;
}

}  // namespace

std::string PersonName(fhir::JsonRef resource) {
  const fhir::JsonRef::Items names = resource.Find("name").items();
  if (names.empty()) return {};
  const fhir::JsonRef name = *names.begin();
  if (auto text = name.FindString("text"); text && !text->empty()) return std::string(*text);
  std::string full;
  for (fhir::JsonRef g : name.Find("given").items()) full += (full.empty() ? "" : " ") + std::string(g.AsString().value_or(""));
  if (auto family = name.FindString("family")) full += (full.empty() ? "" : " ") + std::string(*family);
  return full;
}

void DecideForApp(const LaunchContext& launch, const DecisionDeps& deps, fhir::FhirClient& client,
                  const fhir::FhirReadOptions& options, const std::string& accept_language,
                  std::function<void(Result<AppDecision>)> done) {
  auto request = std::make_shared<CdsRequest>();
  request->hook = "patient-view";
  request->fhir_server = launch.iss;
  request->access_token = launch.access_token;
  request->user_id = launch.fhir_user;
  request->patient_id = launch.patient;
  request->encounter_id = launch.encounter;
  auto service = std::make_shared<const HookService>(AppQueries(!launch.encounter.empty()));
  const std::string locale = SupportedLanguage(launch.locale);
  ResolvePrefetch(*request, *service, client, options,
                  [request, service, deps, accept_language, locale, done = std::move(done)](Result<ResolvedData> data) {
                    if (!data.ok()) return done(data.status());
                    AppDecision app{DecidePatient(deps, *data, request->fhir_server, request->patient_id,
                                                  request->encounter_id, accept_language, Prompt::kDuringTreatment,
                                                  GroupsFor::kAll),
                                    RelativesOf(*data)};
                    // The launch's locale comes before the practitioner's profile and the browser
                    // (a configured language still comes first).
                    if (deps.config->language.empty() && !locale.empty() && deps.texts->HasLanguage(locale)) {
                      app.decision.language = locale;
                    }
                    done(std::move(app));
                  });
}

}  // namespace selvhjelp::plugin
