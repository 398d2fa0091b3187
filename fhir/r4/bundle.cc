#include "fhir/r4/bundle.h"

namespace selvhjelp::fhir {

std::vector<JsonRef> BundleResources(JsonRef bundle, std::string_view resource_type) {
  std::vector<JsonRef> found;
  std::optional<std::string_view> type = bundle.FindString("resourceType");
  if (type != "Bundle") {
    if (type && (resource_type.empty() || *type == resource_type)) found.push_back(bundle);
    return found;
  }
  const JsonRef::Items entries = bundle.Find("entry").items();
  found.reserve(entries.size());
  for (JsonRef entry : entries) {
    JsonRef resource = entry.Find("resource");
    if (!resource.is_object()) continue;
    std::optional<std::string_view> rtype = resource.FindString("resourceType");
    if (rtype && (resource_type.empty() || *rtype == resource_type)) found.push_back(resource);
  }
  return found;
}

std::vector<const JsonValue*> BundleResources(const JsonValue& bundle, std::string_view resource_type) {
  std::vector<const JsonValue*> found;
  for (JsonRef resource : BundleResources(JsonRef(bundle), resource_type)) found.push_back(resource.value());
  return found;
}

std::optional<std::string> NextLink(const JsonValue& bundle) {
  const JsonValue* links = bundle.Find("link");
  if (links == nullptr) return std::nullopt;
  for (const JsonValue& link : links->items()) {
    if (link.FindString("relation") == "next") {
      if (auto url = link.FindString("url")) return std::string(*url);
    }
  }
  return std::nullopt;
}

bool IsEmptyResult(JsonRef value) {
  if (value.is_null()) return true;
  if (value.FindString("resourceType") != "Bundle") return false;
  return value.Find("entry").items().empty();
}

std::string ReferenceTo(JsonRef resource) {
  auto type = resource.FindString("resourceType");
  auto id = resource.FindString("id");
  if (!type || !id) return {};
  return std::string(*type) + "/" + std::string(*id);
}

}  // namespace selvhjelp::fhir
