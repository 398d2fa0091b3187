// The CDS Hooks request reader (plugin/cds): a hook call's body is validated for each of our
// services, and the prefetch it carries is read for the decision's facts as the EHR sent it.
#include "fhir/json/json_reader.h"
#include "plugin/cds/cds_request.h"
#include "plugin/cds/hook_definitions.h"
#include "plugin/cds/patient_facts.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Result<fhir::JsonValue> body = fhir::ParseJson(fuzz::Text(data, size));
  if (!body.ok()) return 0;
  for (const plugin::HookService& service : plugin::HookServices()) {
    Result<plugin::CdsRequest> request = plugin::ParseCdsRequest(*body, service, /*allow_http_fhir_server=*/true);
    if (!request.ok() || !request->prefetch.is_object()) continue;
    plugin::ResolvedData resolved;
    for (const auto& [key, value] : request->prefetch.members()) resolved[key] = value;
    (void)plugin::ExtractFacts(resolved, fuzz::Diagnoses(), fuzz::Geography());
  }
  return 0;
}
