#include "plugin/records/record_correction.h"

#include "fhir/base/status_macros.h"
#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"
#include "plugin/auth/base64url.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

// Base64 with the standard alphabet and padding (Binary.data) from base64url.
std::string Base64(std::string_view bytes) {
  std::string text = Base64UrlEncode(bytes);
  for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (text.size() % 4 != 0) text.push_back('=');
  return text;
}

// The search that finds the resource written by `entry`: its conditional create's ifNoneExist,
// else its first identifier; empty when it has neither.
std::string FindBy(const JsonValue& entry, const JsonValue& resource) {
  if (auto query = entry.FindPath({"request", "ifNoneExist"}); query && query->AsString() && !query->AsString()->empty()) {
    return std::string(*query->AsString());
  }
  if (const JsonValue* ids = resource.Find("identifier"); ids && ids->is_array() && !ids->items().empty()) {
    const JsonValue& id = ids->items()[0];
    if (auto value = id.FindString("value"); value && !value->empty()) {
      return "identifier=" + std::string(id.FindString("system").value_or("")) + "|" + std::string(*value);
    }
  }
  return {};
}

}  // namespace

Result<std::string> BuildCorrectionBundle(std::string_view original_bundle) {
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue original, fhir::ParseJson(original_bundle));
  const JsonValue* entries = original.Find("entry");
  if (original.FindString("type") != "transaction" || entries == nullptr || !entries->is_array()) {
    return InvalidArgumentError("record: its stored transaction is not a transaction Bundle");
  }
  const std::string patch = Base64(R"([{"op":"replace","path":"/status","value":"entered-in-error"}])");
  JsonValue bundle = JsonValue::Object();
  bundle.Set("resourceType", "Bundle");
  bundle.Set("type", "transaction");
  JsonValue& out = bundle.Set("entry", JsonValue::Array());
  for (size_t i = 0; i < entries->items().size(); ++i) {
    const JsonValue& entry = entries->items()[i];
    const JsonValue* resource = entry.Find("resource");
    if (resource == nullptr || resource->Find("status") == nullptr) continue;
    const std::string type(resource->FindString("resourceType").value_or(""));
    const std::string find_by = FindBy(entry, *resource);
    if (type.empty() || find_by.empty()) {
      return InvalidArgumentError("record: entry " + std::to_string(i) + " of its transaction has no identifier to correct it by");
    }
    JsonValue binary = JsonValue::Object();
    binary.Set("resourceType", "Binary");
    binary.Set("contentType", "application/json-patch+json");
    binary.Set("data", patch);
    JsonValue item = JsonValue::Object();
    item.Set("resource", std::move(binary));
    JsonValue& request = item.Set("request", JsonValue::Object());
    request.Set("method", "PATCH");
    request.Set("url", type + "?" + find_by);
    out.Append(std::move(item));
  }
  if (out.items().empty()) return InvalidArgumentError("record: its transaction holds no resource with a status to correct");
  return fhir::WriteJson(bundle);
}

}  // namespace selvhjelp::plugin
