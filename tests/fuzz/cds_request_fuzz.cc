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

namespace {

// The in-place reader's values are the tree's: strings (unescaped in place) byte for byte,
// numbers, arrays element by element, objects by the tree's keys.
bool SameValues(fhir::JsonRef in_place, const fhir::JsonValue& tree) {
  if (in_place.type() != tree.type()) return false;
  switch (tree.type()) {
    case fhir::JsonValue::Type::kNull: return true;
    case fhir::JsonValue::Type::kBool: return in_place.AsBool() == tree.AsBool();
    case fhir::JsonValue::Type::kNumber: return in_place.AsDouble() == tree.AsDouble();
    case fhir::JsonValue::Type::kString: return in_place.AsString() == tree.AsString();
    case fhir::JsonValue::Type::kArray: {
      if (in_place.items().size() != tree.items().size()) return false;
      size_t i = 0;
      for (fhir::JsonRef item : in_place.items()) {
        if (!SameValues(item, tree.items()[i++])) return false;
      }
      return true;
    }
    case fhir::JsonValue::Type::kObject: {
      // Every member in order, duplicates included, and no more.
      if (in_place.members().size() != tree.members().size()) return false;
      size_t i = 0;
      for (const fhir::JsonMember& member : in_place.members()) {
        const auto& [key, value] = tree.members()[i++];
        if (member.key != key || !SameValues(member.value, value)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::Text(data, size);
  Result<std::shared_ptr<const fhir::ParsedJson>> body = fhir::ParsedJson::Parse(text);
  // The hook's in-place reader accepts exactly what ParseJson accepts, and words a failure alike.
  const Result<fhir::JsonValue> tree = fhir::ParseJson(text);
  if (body.ok() != tree.ok() || (!tree.ok() && body.status().message() != tree.status().message())) std::abort();
  if (!body.ok()) return 0;
  if (!SameValues((*body)->root(), *tree)) std::abort();
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
