#pragma once
// Reading FHIR R4 Bundles and resources, held as JsonValue or read through a JsonRef.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/json_value.h"
#include "fhir/json/parsed_json.h"

namespace selvhjelp::fhir {

// Resources of `resource_type` in `bundle.entry[].resource` (all types when empty). A resource
// that is not a Bundle is returned itself when its type matches.
std::vector<JsonRef> BundleResources(JsonRef bundle, std::string_view resource_type = {});
// The same for a JsonValue, as pointers into it.
std::vector<const JsonValue*> BundleResources(const JsonValue& bundle,
                                              std::string_view resource_type = {});

// The `link` with relation "next", if any.
std::optional<std::string> NextLink(const JsonValue& bundle);

// True for `null` and for a Bundle without entries: CDS Hooks' "no data" prefetch values.
bool IsEmptyResult(JsonRef value);

// "Patient/123" for a resource with resourceType and id; empty otherwise.
std::string ReferenceTo(JsonRef resource);

}  // namespace selvhjelp::fhir
