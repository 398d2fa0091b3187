#pragma once
// The pieces every write-back bundle is made of (record_bundle.cc, document_bundle.cc):
// identifiers, references, the record's meta, and conditional-create entries.
#include <string>
#include <string_view>

#include "fhir/json/json_value.h"
#include "plugin/records/information_record.h"

namespace selvhjelp::plugin::bundle_parts {

inline constexpr std::string_view kUriSystem = "urn:ietf:rfc:3986";

fhir::JsonValue Identifier(std::string_view system, std::string_view value);
// The reference as the caller gave it: literal, logical (identifier) and display, each when set.
fhir::JsonValue Reference(const RecordReference& r);
fhir::JsonValue LiteralReference(std::string_view target);
// meta with the record tag (kRecordSystem | record id) and, when not empty, the profile (a name
// under our StructureDefinition base) the resource claims.
fhir::JsonValue Meta(const InformationRecord& r, std::string_view profile);
// "param=system|value", as ifNoneExist takes it.
std::string TokenQuery(std::string_view param, std::string_view system, std::string_view value);
// Appends a POST of `resource` to the transaction `bundle`, created only when `if_none_exist`
// finds nothing.
void AddConditionalCreate(fhir::JsonValue& bundle, const std::string& full_url, fhir::JsonValue resource,
                          const std::string& if_none_exist);

}  // namespace selvhjelp::plugin::bundle_parts
