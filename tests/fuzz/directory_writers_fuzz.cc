// The directory's writers: groups read from fuzz input through a source (the JSON group file
// format, or a FHIR Bundle) are written as a HealthcareService Bundle (GET /directory/groups,
// `directory export --format fhir`) and as the store's snapshot. Every group a source accepts
// must be writable as valid JSON.
#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"
#include "plugin/groups/fhir_directory_source.h"
#include "plugin/groups/group_file_source.h"
#include "plugin/groups/healthcare_service.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::Text(data, size);
  std::vector<plugin::Group> groups;
  if (auto read = plugin::ParseGroupDocument(text, "fuzz.json", "fuzz"); read.ok()) {
    groups = std::move(read).value();
  } else if (auto bundle = fhir::ParseJson(text); bundle.ok()) {
    auto content = plugin::GroupsFromFhirBundle(*bundle, "fuzz", &fuzz::Categories("fhir-categories.json"));
    if (content.ok()) groups = std::move(content->groups);
  }
  if (groups.empty()) return 0;
  std::vector<const plugin::Group*> all;
  for (const plugin::Group& g : groups) all.push_back(&g);
  const std::string fhir = fhir::WriteJson(plugin::HealthcareServiceBundle(all, "searchset", "https://fuzz.example/directory"));
  if (!fhir::ParseJson(fhir).ok()) std::abort();
  const std::string snapshot = plugin::GroupsToJson(groups);
  if (!fhir::ParseJson(snapshot).ok()) std::abort();
  return 0;
}
