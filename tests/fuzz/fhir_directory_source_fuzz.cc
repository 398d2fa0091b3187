// The FHIR directory source: a searchset Bundle of HealthcareService and Location resources.
#include "fhir/json/json_reader.h"
#include "plugin/groups/fhir_directory_source.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Result<fhir::JsonValue> bundle = fhir::ParseJson(fuzz::Text(data, size));
  if (!bundle.ok()) return 0;
  (void)plugin::GroupsFromFhirBundle(*bundle, "fuzz", &fuzz::Categories("fhir-categories.json"));
  return 0;
}
