#include "plugin/groups/hsds_source.h"

#include <set>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "fhir/json/json_reader.h"
#include "fhir/r4/date_time.h"
#include "mappings/geography.h"
#include "plugin/groups/apply_category.h"
#include "plugin/groups/hsds_tables.h"
#include "plugin/groups/seen_ids.h"
#include "plugin/groups/source_values.h"

namespace selvhjelp::plugin {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

namespace {

// "19:00", "19:00:00", "19:00Z" or "19:00+01:00" -> "19:00"; empty when not a clock time.
std::string ClockTime(std::string_view t) { return MinutesOfDay(t) ? std::string(t.substr(0, 5)) : std::string(); }

// The first service_at_location's object, or nullptr.
const JsonValue* FirstAtLocation(const JsonValue& service) {
  const JsonValue* at_locations = service.Find("service_at_locations");
  return at_locations && !at_locations->items().empty() ? &at_locations->items()[0] : nullptr;
}

// The service's own `key` array when it has entries, else the first service_at_location's (the
// 3.0 API nests schedules, phones and languages there too); the field path names the one read.
const JsonValue* ServiceOrPlaceArray(const JsonValue& service, std::string_view key, const std::string& field,
                                     std::string& array_field) {
  array_field = FieldPath(field, std::string(key));
  const JsonValue* own = service.Find(key);
  if (own != nullptr && !own->items().empty()) return own;
  const JsonValue* at_location = FirstAtLocation(service);
  const JsonValue* nested = at_location ? at_location->Find(key) : nullptr;
  if (nested == nullptr || nested->items().empty()) return own;
  array_field = FieldPath(FieldPath(field, "service_at_locations[0]"), std::string(key));
  return nested;
}

void ReadSchedules(const JsonValue& service, const std::string& field, DataProblems& p, Group& g) {
  std::string schedules_field;
  const JsonValue* schedules = ServiceOrPlaceArray(service, "schedules", field, schedules_field);
  if (schedules == nullptr) return;
  for (size_t i = 0; i < schedules->items().size(); ++i) {
    const JsonValue& s = schedules->items()[i];
    std::string sfield = FieldPath(schedules_field, i);
    std::string freq(s.FindString("freq").value_or(""));
    if (freq.empty()) continue;  // free-text-only schedules have no rule to keep
    if (freq != "WEEKLY" && freq != "MONTHLY") {
      p.Add(*s.Find("freq"), FieldPath(sfield, "freq"), "expected WEEKLY or MONTHLY");
      continue;
    }
    std::string rrule = "FREQ=" + freq;
    if (auto interval = s.FindInt("interval"); interval && *interval > 1) rrule += ";INTERVAL=" + std::to_string(*interval);
    if (auto byday = s.FindString("byday"); byday && !byday->empty()) rrule += ";BYDAY=" + std::string(*byday);
    if (auto bymonthday = s.FindString("bymonthday"); bymonthday && !bymonthday->empty()) {
      rrule += ";BYMONTHDAY=" + std::string(*bymonthday);
    }
    std::string opens = ClockTime(s.FindString("opens_at").value_or(""));
    if (opens.empty()) {
      p.Add(s.Find("opens_at") ? *s.Find("opens_at") : s, FieldPath(sfield, "opens_at"), "expected HH:MM");
      continue;
    }
    Meeting meeting{rrule, opens, ""};
    std::string closes = ClockTime(s.FindString("closes_at").value_or(""));
    if (!closes.empty() && *MinutesOfDay(closes) > *MinutesOfDay(opens)) {
      meeting.duration = "PT" + std::to_string(*MinutesOfDay(closes) - *MinutesOfDay(opens)) + "M";
    }
    g.meetings.push_back(std::move(meeting));
  }
}

// The attributes whose meaning is their value: the day a temporarily closed service opens again
// and where to report wrong information (the taxonomy terms the export writes for them).
void ReadValuedAttribute(const JsonValue& attribute, std::string_view code, const std::string& field, DataProblems& p,
                         Group& g) {
  if (code == kHsdsClosedUntilTerm) {
    std::string until(attribute.FindString("value").value_or(""));
    if (!IsIsoDate(until)) {
      p.Add(attribute, FieldPath(field, "value"), "expected the date it opens again, YYYY-MM-DD");
      return;
    }
    g.temporarily_closed = true;
    g.details.Set(&GroupDetails::closed_until, until);
  } else if (code == kHsdsReportToTerm) {
    g.report_to = ReadReportLink(attribute, "value", field, p);
  }
}

// The location's accessibility (HSDS `accessibility` table, nested in the compiled location):
// each description means what the taxonomy table says for it (e.g. "wheelchair").
void ReadAccessibility(const JsonValue& service, const HsdsSource& source, Group& g) {
  const JsonValue* at_location = FirstAtLocation(service);
  const JsonValue* list = at_location ? at_location->FindPath({"location", "accessibility"}) : nullptr;
  if (list == nullptr || source.taxonomy == nullptr) return;
  for (const JsonValue& item : list->items()) {
    auto description = item.FindString("description");
    if (!description) continue;
    if (const mappings::CategoryMeaning* meaning = source.taxonomy->Find(*description)) ApplyCategory(*meaning, g);
  }
}

void ReadPlace(const JsonValue& service, const std::string& field, DataProblems& p, const HsdsSource& source,
               Group& g) {
  const JsonValue* at_location = FirstAtLocation(service);
  const JsonValue* location = at_location ? at_location->Find("location") : nullptr;
  if (location == nullptr) {
    g.format = Format::kDigital;  // no place to meet
    return;
  }
  if (location->FindString("location_type") == "virtual") {
    g.format = Format::kDigital;
    return;
  }
  const JsonValue* addresses = location->Find("addresses");
  const JsonValue* address = addresses && !addresses->items().empty() ? &addresses->items()[0] : nullptr;
  if (address != nullptr) {
    g.address.line = std::string(address->FindString("address_1").value_or(""));
    g.address.city = std::string(address->FindString("city").value_or(""));
    g.address.postal_code = std::string(address->FindString("postal_code").value_or(""));
  }
  ReadCoordinates(*location, "latitude", "longitude", FieldPath(field, "service_at_locations[0].location"), p, g);
  std::optional<std::string> municipality;
  if (source.geography) {
    municipality = source.geography->MunicipalityByPostalCode(g.address.postal_code);
    if (!municipality) municipality = source.geography->MunicipalityByName(g.address.city);
  }
  if (!municipality) {
    p.Add(*location, FieldPath(field, "service_at_locations[0].location"),
          "cannot place this location: its postal code and city are not in the geography tables");
    return;
  }
  g.address.municipality = *municipality;
}

// service_areas: the municipalities a contact point covers beside its address's (Group::areas),
// each named by its 4-digit number or a name the geography tables know. An area that is neither
// (a county, "all of Vestland") is left out: the directory matches municipalities.
void ReadServiceAreas(const JsonValue& service, const HsdsSource& source, Group& g) {
  const JsonValue* areas = service.Find("service_areas");
  if (areas == nullptr || !areas->is_array()) return;
  for (const JsonValue& area : areas->items()) {
    const std::string name(area.FindString("name").value_or(""));
    std::optional<std::string> municipality;
    if (mappings::IsDigits(name, 4)) municipality = name;
    else if (source.geography) municipality = source.geography->MunicipalityByName(name);
    if (municipality) AddArea(g, *municipality);
  }
}

std::optional<Group> ReadService(const JsonValue& service, const std::string& field, DataProblems& p,
                                 const HsdsSource& source) {
  if (!service.is_object()) {
    p.Add(service, field, "expected a service object");
    return std::nullopt;
  }
  auto status = service.FindString("status");
  if (status && *status != "active" && *status != "temporarily closed") return std::nullopt;
  const size_t before = p.lines().size();
  Group g;
  g.source = source.name;
  g.id = p.String(service, "id", field, true).value_or("");
  g.name = p.String(service, "name", field, true).value_or("");
  if (const JsonValue* organization = p.Object(service, "organization", field, true)) {
    g.organisation = p.String(*organization, "name", FieldPath(field, "organization"), true).value_or("");
  }
  g.details.Set(&GroupDetails::website, ReadLink(service, "url", field, p));
  g.details.Set(&GroupDetails::email, std::string(service.FindString("email").value_or("")));
  std::string nested_field;
  if (const JsonValue* phones = ServiceOrPlaceArray(service, "phones", field, nested_field); phones && !phones->items().empty()) {
    g.details.Set(&GroupDetails::phone, std::string(phones->items()[0].FindString("number").value_or("")));
  }
  if (auto assured = service.FindString("assured_date")) g.last_confirmed = std::string(*assured);
  if (const JsonValue* languages = ServiceOrPlaceArray(service, "languages", field, nested_field)) {
    for (const JsonValue& language : languages->items()) {
      if (auto code = language.FindString("code")) g.languages.emplace_back(*code);
    }
  }
  if (g.languages.empty()) g.languages = {"nb"};
  if (const JsonValue* attributes = service.Find("attributes")) {
    for (size_t i = 0; i < attributes->items().size(); ++i) {
      const JsonValue& attribute = attributes->items()[i];
      auto code = attribute.FindPath({"taxonomy_term", "code"});
      const mappings::CategoryMeaning* meaning =
          code && code->AsString() && source.taxonomy ? source.taxonomy->Find(*code->AsString()) : nullptr;
      if (meaning != nullptr) ApplyCategory(*meaning, g);
      if (code && code->AsString()) ReadValuedAttribute(attribute, *code->AsString(), FieldPath(FieldPath(field, "attributes"), i), p, g);
    }
  }
  if (status == "temporarily closed") g.temporarily_closed = true;
  if (const JsonValue* age = service.Find("minimum_age")) {
    std::optional<double> years = age->AsDouble();
    if (years && *years >= 1 && *years <= 120) g.min_age = static_cast<int>(*years);
    else if (!years || *years != 0) p.Add(*age, FieldPath(field, "minimum_age"), "expected an age in years, 1 to 120");
  }
  ReadAccessibility(service, source, g);
  ReadSchedules(service, field, p, g);
  if (g.format != Format::kDigital) ReadPlace(service, field, p, source, g);
  ReadServiceAreas(service, source, g);  // after the place: its own municipality is no area
  if (p.lines().size() != before) return std::nullopt;
  return g;
}

}  // namespace

Result<std::vector<Group>> GroupsFromHsds(const JsonValue& document, const std::filesystem::path& where,
                                          const HsdsSource& source) {
  DataProblems p(where);
  const JsonValue* services = document.is_array() ? &document : document.Find("contents");
  if (services == nullptr || !services->is_array()) {
    p.Add(document, "(top level)", "expected an array of HSDS services or a page with contents");
    return p.ToStatus();
  }
  std::vector<Group> groups;
  SeenIds ids;
  for (size_t i = 0; i < services->items().size(); ++i) {
    std::string field = "[" + std::to_string(i) + "]";
    std::optional<Group> g = ReadService(services->items()[i], field, p, source);
    if (!g) continue;
    if (!ids.Add(g->id)) {
      p.Add(services->items()[i], FieldPath(field, "id"), "duplicate service id");
      continue;
    }
    groups.push_back(std::move(*g));
  }
  SELVHJELP_RETURN_IF_ERROR(p.ToStatus());
  return groups;
}

Result<std::vector<Group>> LoadHsdsFile(const std::filesystem::path& file, const HsdsSource& source) {
  SELVHJELP_ASSIGN_OR_RETURN(std::string text, fhir::ReadTextFile(file));
  return ParseHsds(text, file.string(), source);
}

Result<std::vector<Group>> ParseHsds(std::string_view text, const std::string& where, const HsdsSource& source) {
  Result<JsonValue> document = fhir::ParseJson(text);
  if (!document.ok()) return fhir::InFile(where, document.status());
  return GroupsFromHsds(*document, where, source);
}

namespace {

// One read's use of its bounds: every answer is counted against what is left of max_bytes.
class BoundedReader {
 public:
  BoundedReader(const HttpSend& send, const ReadBounds& bounds) : send_(send), bounds_(bounds) {}

  Result<JsonValue> GetJson(const std::string& url) {
    const int64_t left = bounds_.max_bytes - bytes_;
    if (left <= 0) return ReadBoundReached(url, "maxBytes", bounds_.max_bytes);
    HttpRequestSpec request{"GET", url, {{"Accept", "application/json"}}, "", left};
    Result<HttpResponse> answer = send_(request);
    if (answer.status().code() == StatusCode::kResourceExhausted) return ReadBoundReached(url, "maxBytes", bounds_.max_bytes);
    SELVHJELP_ASSIGN_OR_RETURN(HttpResponse response, std::move(answer));
    if (response.status != 200) return UnavailableError(url + ": HTTP " + std::to_string(response.status));
    bytes_ += static_cast<int64_t>(response.body.size());
    if (bytes_ > bounds_.max_bytes) return ReadBoundReached(url, "maxBytes", bounds_.max_bytes);
    Result<JsonValue> json = fhir::ParseJson(response.body);
    if (!json.ok()) return fhir::InFile(url, json.status());
    return json;
  }

 private:
  const HttpSend& send_;
  const ReadBounds& bounds_;
  int64_t bytes_ = 0;
};

}  // namespace

Result<std::vector<Group>> FetchHsdsApi(const HttpSend& send, const std::string& base_url, const HsdsSource& source,
                                        const std::vector<Group>& previous, int64_t since, const ReadBounds& bounds) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const bool incremental = since > 0 && !previous.empty();
  BoundedReader reader(send, bounds);
  JsonValue services = JsonValue::Array();
  std::set<std::string> no_longer_active;
  int64_t items = 0;
  for (int64_t page = 1;; ++page) {
    std::string url = base + "/services?page=" + std::to_string(page) + "&per_page=100";
    if (page > bounds.max_pages) return ReadBoundReached(url, "maxPages", bounds.max_pages);
    if (incremental) url += "&modified_after=" + fhir::IsoInstant(since - 60);  // a minute of overlap
    SELVHJELP_ASSIGN_OR_RETURN(JsonValue listing, reader.GetJson(url));
    const JsonValue* contents = listing.Find("contents");
    if (contents == nullptr || !contents->is_array()) return InvalidArgumentError(url + ": contents: expected an array");
    // A server that ignores `page` would hand back page 1 for ever.
    if (auto number = listing.FindInt("page_number"); number && *number != page) {
      return InvalidArgumentError(url + ": page_number: expected " + std::to_string(page) + ", got " + std::to_string(*number));
    }
    items += static_cast<int64_t>(contents->items().size());
    if (items > bounds.max_items) return ReadBoundReached(url, "maxItems", bounds.max_items);
    for (const JsonValue& item : contents->items()) {
      std::string id(item.FindString("id").value_or(""));
      const std::string_view status = item.FindString("status").value_or("active");
      if (status != "active" && status != "temporarily closed") {
        no_longer_active.insert(id);
        continue;
      }
      // A list may leave out child arrays: read the whole service then.
      if (item.Find("schedules") == nullptr || item.Find("organization") == nullptr) {
        SELVHJELP_ASSIGN_OR_RETURN(JsonValue full, reader.GetJson(base + "/services/" + id));
        services.Append(std::move(full));
      } else {
        services.Append(item);
      }
    }
    // The 3.0 page: total_pages, last_page and empty each end it; so does an empty page, and
    // having seen total_items. Without any of them there is one page.
    auto total_pages = listing.FindInt("total_pages");
    auto total_items = listing.FindInt("total_items");
    const bool last = listing.FindBool("last_page") == true || listing.FindBool("empty") == true ||
                      contents->items().empty() || (total_pages && page >= *total_pages) ||
                      (total_items && items >= *total_items);
    if (last || (!total_pages && !total_items && listing.Find("last_page") == nullptr)) break;
  }
  SELVHJELP_ASSIGN_OR_RETURN(std::vector<Group> fetched, GroupsFromHsds(services, base + "/services", source));
  if (!incremental) return fetched;
  std::vector<Group> merged;
  std::set<std::string> replaced;
  for (const Group& g : fetched) replaced.insert(g.id);
  for (const Group& g : previous) {
    if (!replaced.count(g.id) && !no_longer_active.count(g.id)) merged.push_back(g);
  }
  for (Group& g : fetched) merged.push_back(std::move(g));
  return merged;
}

}  // namespace selvhjelp::plugin
