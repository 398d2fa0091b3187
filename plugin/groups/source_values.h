#pragma once
// Checked reads of the values third-party sources send that are republished or computed with
// (links, coordinates), shared by the source parsers. Each problem is added to `problems` under
// `field` and the value is left out.
#include <string>
#include <string_view>

#include "fhir/json/json_file.h"
#include "fhir/json/json_value.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// The string member `key` of `object` when it is a safe link (IsSafeLink); empty when absent.
// A link that is not a string or not safe ("javascript:...") is a problem and gives empty.
std::string ReadLink(const fhir::JsonValue& object, std::string_view key, std::string_view field,
                     fhir::DataProblems& problems);

// The same for a place to report wrong information: a link that is not IsReportLink (a tel:
// link too) is a problem and gives empty.
std::string ReadReportLink(const fhir::JsonValue& object, std::string_view key, std::string_view field,
                           fhir::DataProblems& problems);

// Sets g.address.latitude/longitude from the number members `lat_key` and `lon_key` of
// `object` when they are present and in range; a problem for each that is not.
void ReadCoordinates(const fhir::JsonValue& object, std::string_view lat_key, std::string_view lon_key,
                     std::string_view field, fhir::DataProblems& problems, Group& g);

}  // namespace selvhjelp::plugin
