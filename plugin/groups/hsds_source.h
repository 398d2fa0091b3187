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
#include "plugin/groups/read_bounds.h"
#include "plugin/net/http_call.h"

namespace selvhjelp::plugin {

struct HsdsSource {
  std::string name;                                // Group::source
  const mappings::CategoryMap* taxonomy = nullptr;  // attributes[].taxonomy_term.code -> meaning
  const mappings::Geography* geography = nullptr;   // places locations: postal code, then city
};

// One group per active or temporarily closed service:
//  - name, organization.name, url, email, phones[0].number, assured_date;
//  - languages[].code;
//  - schedules (freq, interval, byday, bymonthday, opens_at, closes_at as hh:mm or hh:mm:ss)
//    kept as iCal RRULEs, so "every second Tuesday" (MONTHLY, BYDAY=2TU) survives;
//  - schedules, phones and languages the service lacks are taken from its first
//    service_at_location, where the 3.0 API may nest them;
//  - the first service_at_location's address, latitude and longitude (a location_type of
//    "virtual" means digital);
//  - themes, audience, format, 12-step, contact point (a service without a schedule, with the
//    term mapped to kind contact-point), open/closed, wheelchair access and national scope from
//    the taxonomy terms; the location's accessibility[].description through the same table;
//  - minimum_age; status "temporarily closed", with the attribute temporarily-closed-until
//    (value: the date it opens again); the attribute report-wrong-information (value: a link).
// InvalidArgument listing every problem as "<where>:line: [i].field: what".
[[nodiscard]] Result<std::vector<Group>> GroupsFromHsds(const fhir::JsonValue& document,
                                                        const std::filesystem::path& where,
                                                        const HsdsSource& source);

// Reads a file of compiled HSDS services. NotFound when it cannot be read.
[[nodiscard]] Result<std::vector<Group>> LoadHsdsFile(const std::filesystem::path& file,
                                                      const HsdsSource& source);

// The same from text already read; `where` names it in errors.
[[nodiscard]] Result<std::vector<Group>> ParseHsds(std::string_view text, const std::string& where,
                                                   const HsdsSource& source);

// Reads an HSDS 3.0 API: GET {base}/services page by page (page, per_page) as the 3.0 Page
// object answers ({"total_items", "total_pages", "page_number", "size", "first_page",
// "last_page", "empty", "contents"}: last_page, empty, an empty contents, total_pages or
// total_items reached end it; a page_number other than the one asked for is InvalidArgument),
// and {base}/services/{id} for a listed service without its nested organization or schedules.
// With `previous`
// content and `since` (seconds since the epoch) > 0, asks only for services with
// modified_after=since and applies them to `previous` (a service no longer active is removed).
// Errors: Unavailable for an unreachable API or a non-200 status, InvalidArgument for bad data,
// ResourceExhausted naming the bound when the read would pass one of `bounds` (it stops there:
// an API claiming a billion pages costs at most the bounds).
[[nodiscard]] Result<std::vector<Group>> FetchHsdsApi(const HttpSend& send, const std::string& base_url,
                                                      const HsdsSource& source,
                                                      const std::vector<Group>& previous, int64_t since,
                                                      const ReadBounds& bounds = {});

}  // namespace selvhjelp::plugin
