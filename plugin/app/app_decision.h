#pragma once
// The clinician app's door to the one decision (plugin/cds/patient_decision.h): the patient's
// data is read from the EHR's FHIR API with the user's own token, by the same queries as the
// patient-view hook's prefetch templates, and decided by the same code. Like a hook call, the
// app does not need the EHR to hold Communications: when the EHR cannot answer the search for
// earlier records (DIPS Arena has no Communication), the decision uses our own store alone and
// says so (PatientDecision::ehr_records_unknown).
#include <functional>
#include <string>
#include <vector>

#include "fhir/client/fhir_client.h"
#include "plugin/app/smart_launch.h"
#include "plugin/cds/patient_decision.h"

namespace selvhjelp::plugin {

// A relative the clinician may have informed, as the page names them.
struct RelativeName {
  std::string reference;  // "RelatedPerson/<id>"
  std::string display;    // "Given Family (relationship)" from RelatedPerson.name; empty when the
                          // EHR gave no name
};

// The decision for the page, with what only the page shows.
struct AppDecision {
  PatientDecision decision;
  std::vector<RelativeName> relatives;  // the active RelatedPersons, in the EHR's order
};

// Reads and decides for the launch's patient (and encounter). `done` is called exactly once,
// possibly on another thread, never blocking the caller: FailedPrecondition when the patient or
// their conditions cannot be read (the EHR refused the token, or is unreachable). `client` and
// the dependencies must outlive the call.
// The page's language is the configured one (config.language), else the launch's locale (see
// LaunchContext::locale), else the practitioner's (Practitioner.communication), else
// `accept_language`'s, else nb.
void DecideForApp(const LaunchContext& launch, const DecisionDeps& deps, fhir::FhirClient& client,
                  const fhir::FhirReadOptions& options, const std::string& accept_language,
                  std::function<void(Result<AppDecision>)> done);

// "Given Family" of a Patient's or RelatedPerson's first name (its `text` when it has one);
// empty when it has none.
std::string PersonName(fhir::JsonRef resource);

}  // namespace selvhjelp::plugin
