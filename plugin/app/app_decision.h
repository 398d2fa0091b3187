#pragma once
// The clinician app's door to the one decision (plugin/cds/patient_decision.h): the patient's
// data is read from the EHR's FHIR API with the user's own token, by the same queries as the
// patient-view hook's prefetch templates, and decided by the same code. Unlike a hook call, the
// app does not need the EHR to hold Communications: when the EHR cannot answer the search for
// earlier records (DIPS Arena has no Communication), the decision uses our own store alone.
#include <functional>

#include "fhir/client/fhir_client.h"
#include "plugin/app/smart_launch.h"
#include "plugin/cds/patient_decision.h"

namespace selvhjelp::plugin {

// Reads and decides for the launch's patient (and encounter). `done` is called exactly once,
// possibly on another thread, never blocking the caller: FailedPrecondition when the patient or
// their conditions cannot be read (the EHR refused the token, or is unreachable). `client` and
// the dependencies must outlive the call.
void DecideForApp(const LaunchContext& launch, const DecisionDeps& deps, fhir::FhirClient& client,
                  const fhir::FhirReadOptions& options, const std::string& accept_language,
                  std::function<void(Result<PatientDecision>)> done);

}  // namespace selvhjelp::plugin
