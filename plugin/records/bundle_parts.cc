#include "plugin/records/bundle_parts.h"

#include "fhir/r4/coding.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin::bundle_parts {

using fhir::JsonValue;

JsonValue Identifier(std::string_view system, std::string_view value) {
  JsonValue id = JsonValue::Object();
  id.Set("system", system);
  id.Set("value", value);
  return id;
}

JsonValue Reference(const RecordReference& r) {
  JsonValue ref = JsonValue::Object();
  if (!r.reference.empty()) ref.Set("reference", r.reference);
  if (!r.identifier_value.empty()) ref.Set("identifier", Identifier(r.identifier_system, r.identifier_value));
  if (!r.display.empty()) ref.Set("display", r.display);
  return ref;
}

JsonValue LiteralReference(std::string_view target) {
  JsonValue ref = JsonValue::Object();
  ref.Set("reference", target);
  return ref;
}

JsonValue Meta(const InformationRecord& r, std::string_view profile) {
  JsonValue meta = JsonValue::Object();
  if (!profile.empty()) {
    meta.Set("profile", JsonValue::Array())
        .Append(JsonValue::String(std::string(vocabulary::kProfileBase) + std::string(profile)));
  }
  meta.Set("tag", JsonValue::Array()).Append(fhir::MakeCoding(vocabulary::kRecordSystem, r.id, "selvhjelp record"));
  return meta;
}

std::string TokenQuery(std::string_view param, std::string_view system, std::string_view value) {
  return std::string(param) + "=" + std::string(system) + "|" + std::string(value);
}

void AddConditionalCreate(JsonValue& bundle, const std::string& full_url, JsonValue resource,
                          const std::string& if_none_exist) {
  JsonValue entry = JsonValue::Object();
  entry.Set("fullUrl", full_url);
  const std::string type(*resource.FindString("resourceType"));
  entry.Set("resource", std::move(resource));
  JsonValue& request = entry.Set("request", JsonValue::Object());
  request.Set("method", "POST");
  request.Set("url", type);
  request.Set("ifNoneExist", if_none_exist);
  bundle.MutableFind("entry")->Append(std::move(entry));
}

}  // namespace selvhjelp::plugin::bundle_parts
