// The CDS Hooks request reader (plugin/cds): a hook call's body is validated for each of our
// services, and the prefetch it carries is read for the decision's facts as the EHR sent it.
#include <cstdlib>

#include "fhir/json/json_reader.h"
#include "fhir/json/parsed_json.h"
#include "plugin/cds/cds_request.h"
#include "plugin/cds/hook_definitions.h"
#include "plugin/cds/patient_facts.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::Text(data, size);
  Result<std::shared_ptr<const fhir::ParsedJson>> body = fhir::ParsedJson::Parse(text);
  // The hook's in-place reader accepts exactly what ParseJson accepts, and words a failure alike.
  const Result<fhir::JsonValue> tree = fhir::ParseJson(text);
  if (body.ok() != tree.ok() || (!tree.ok() && body.status().message() != tree.status().message())) std::abort();
  if (!body.ok()) return 0;
  for (const plugin::HookService& service : plugin::HookServices()) {
    Result<plugin::CdsRequest> request = plugin::ParseCdsRequest(*body, service, /*allow_http_fhir_server=*/true);
    if (!request.ok()) continue;
    plugin::ResolvedData resolved;
    for (const plugin::PrefetchTemplate& t : service.prefetch) {
      if (fhir::JsonRef value = request->prefetch.Find(t.key)) resolved.SetView(t.key, value);
    }
    (void)plugin::ExtractFacts(resolved, fuzz::Diagnoses(), fuzz::Geography());
  }
  return 0;
}
