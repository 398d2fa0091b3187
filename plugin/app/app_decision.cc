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
  auto it = data.find("relatedPersons");
  if (it == data.end() || it->second.is_null()) return out;
  for (const fhir::JsonValue* r : fhir::BundleResources(it->second, "RelatedPerson")) {
    if (r->FindBool("active") == false) continue;
    RelativeName relative{fhir::ReferenceTo(*r), PersonName(*r)};
    if (relative.reference.empty()) continue;
    const fhir::JsonValue* relationships = r->Find("relationship");
    if (!relative.display.empty() && relationships && !relationships->items().empty()) {
      if (auto text = relationships->items()[0].FindString("text"); text && !text->empty()) {
        relative.display += " (" + std::string(*text) + ")";
      }
    }
    out.push_back(std::move(relative));
  }
  return out;
}

}  // namespace

std::string PersonName(const fhir::JsonValue& resource) {
  const fhir::JsonValue* names = resource.Find("name");
  if (!names || names->items().empty()) return {};
  const fhir::JsonValue& name = names->items()[0];
  if (auto text = name.FindString("text"); text && !text->empty()) return std::string(*text);
  std::string full;
  if (const fhir::JsonValue* given = name.Find("given")) {
    for (const fhir::JsonValue& g : given->items()) full += (full.empty() ? "" : " ") + std::string(g.AsString().value_or(""));
  }
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
                                                  request->encounter_id, accept_language, GroupsFor::kAll),
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
