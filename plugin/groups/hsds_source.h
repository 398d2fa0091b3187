#pragma once
// Groups from Open Referral HSDS 3.0 services in their compiled form (a service with its
// organization, schedules, languages, phones, attributes and service_at_locations), as a JSON
// array or an API page ({"contents": [...]}).
#include <filesystem>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "mappings/category_map.h"
#include "mappings/geography.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

struct HsdsSource {
  std::string name;                                // Group::source
  const mappings::CategoryMap* taxonomy = nullptr;  // attributes[].taxonomy_term.code -> meaning
  const mappings::Geography* geography = nullptr;   // places locations: postal code, then city
};

// One group per active service:
//  - name, organization.name, url, email, phones[0].number, assured_date;
//  - languages[].code;
//  - schedules (freq, interval, byday, opens_at, closes_at) kept as iCal RRULEs, so "every second
//    Tuesday" (MONTHLY, BYDAY=2TU) survives;
//  - the first service_at_location's address, latitude and longitude (a location_type of
//    "virtual" means digital);
//  - themes, audience, format and 12-step from the taxonomy terms.
// InvalidArgument listing every problem as "<where>:line: [i].field: what".
[[nodiscard]] Result<std::vector<Group>> GroupsFromHsds(const fhir::JsonValue& document,
                                                        const std::filesystem::path& where,
                                                        const HsdsSource& source);

// Reads a file of compiled HSDS services. NotFound when it cannot be read.
[[nodiscard]] Result<std::vector<Group>> LoadHsdsFile(const std::filesystem::path& file,
                                                      const HsdsSource& source);

}  // namespace selvhjelp::plugin
