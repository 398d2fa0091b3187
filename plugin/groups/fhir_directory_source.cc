#include "plugin/groups/fhir_directory_source.h"

#include <algorithm>
#include <future>
#include <memory>
#include <map>

#include "fhir/r4/bundle.h"
#include "fhir/r4/coding.h"
#include "fhir/json/json_file.h"
#include "fhir/r4/fhir_id.h"
#include "mappings/geography.h"
#include "plugin/groups/apply_category.h"
#include "plugin/groups/closure_period.h"
#include "plugin/groups/healthcare_service.h"
#include "plugin/groups/seen_ids.h"
#include "plugin/groups/source_values.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

namespace {

const std::map<std::string, std::string> kIcalDays = {{"mon", "MO"}, {"tue", "TU"}, {"wed", "WE"}, {"thu", "TH"},
                                                     {"fri", "FR"}, {"sat", "SA"}, {"sun", "SU"}};

std::vector<std::string> CodesIn(const JsonValue* concepts, std::string_view system) {
  std::vector<std::string> codes;
  if (concepts == nullptr) return codes;
  for (const JsonValue& concept_json : concepts->items()) {
    for (const fhir::Coding& c : fhir::CodingsOf(concept_json)) {
      if (system.empty() || c.system == system) codes.push_back(c.code);
    }
  }
  return codes;
}

// The municipality code on a Location's address (no-basis's extension on address.district).
std::string MunicipalityOf(const JsonValue& location) {
  std::string municipality;
  if (const JsonValue* extensions = location.FindPath({"address", "_district", "extension"})) {
    for (const JsonValue& ext : extensions->items()) {
      if (ext.FindString("url") != vocabulary::kMunicipalityExtension) continue;
      if (auto code = ext.FindPath({"valueCoding", "code"})) municipality = std::string(code->AsString().value_or(""));
    }
  }
  return municipality;
}

void ReadPlace(const JsonValue& location, const std::string& field, DataProblems& p, Group& g) {
  if (const JsonValue* address = location.Find("address")) {
    if (const JsonValue* lines = address->Find("line"); lines && !lines->items().empty()) {
      g.address.line = std::string(lines->items()[0].AsString().value_or(""));
    }
    g.address.city = std::string(address->FindString("city").value_or(""));
    g.address.postal_code = std::string(address->FindString("postalCode").value_or(""));
    g.address.municipality = MunicipalityOf(location);
  }
  if (const JsonValue* position = location.Find("position")) {
    ReadCoordinates(*position, "latitude", "longitude", FieldPath(field, "position"), p, g);
  }
}

// FHIR `time`: "HH:MM:SS" with an optional fraction.
bool IsFhirTime(std::string_view t) {
  if (t.size() < 8 || !MinutesOfDay(t.substr(0, 5)) || t[5] != ':' || !mappings::IsDigits(t.substr(6, 2), 2) ||
      t.substr(6, 2) > "60") {
    return false;
  }
  if (t.size() == 8) return true;
  return t[8] == '.' && t.size() > 9 && t.size() <= 18 && mappings::IsDigits(t.substr(9), t.size() - 9);
}

void ReadSchedule(const JsonValue& hs, const std::string& field, DataProblems& p, Group& g) {
  const JsonValue* slots = hs.Find("availableTime");
  if (slots == nullptr) return;
  for (size_t i = 0; i < slots->items().size(); ++i) {
    const JsonValue& slot = slots->items()[i];
    const std::string sfield = FieldPath(FieldPath(field, "availableTime"), i);
    std::string days;
    if (const JsonValue* list = slot.Find("daysOfWeek")) {
      for (const JsonValue& day : list->items()) {
        auto it = kIcalDays.find(std::string(day.AsString().value_or("")));
        if (it != kIcalDays.end()) days += (days.empty() ? "" : ",") + it->second;
      }
    }
    std::optional<std::string_view> times[2];
    const char* keys[2] = {"availableStartTime", "availableEndTime"};
    for (int k = 0; k < 2; ++k) {
      const JsonValue* value = slot.Find(keys[k]);
      if (value == nullptr) continue;
      times[k] = value->AsString();
      if (!times[k] || !IsFhirTime(*times[k])) {
        p.Add(*value, FieldPath(sfield, keys[k]), "expected a FHIR time, HH:MM:SS");
        times[k].reset();
      }
    }
    if (days.empty() || !times[0]) continue;
    Meeting m{"FREQ=WEEKLY;BYDAY=" + days, std::string(times[0]->substr(0, 5)), ""};
    if (times[1]) {
      const int from = *MinutesOfDay(*times[0]), to = *MinutesOfDay(*times[1]);  // both checked above
      if (to > from) m.duration = "PT" + std::to_string(to - from) + "M";
    }
    g.meetings.push_back(std::move(m));
  }
}

// notAvailable: a closure is a `during` period (start and end of any precision, the end its last
// unavailable moment); one with only a description ("not on public holidays") closes nothing. Of
// several, the group keeps the one that is on today, else the next to come (a Group holds one);
// those over are left. A malformed date is a problem (the record is left out).
void ReadClosure(const JsonValue& hs, const std::string& field, DataProblems& p, Group& g) {
  const JsonValue* closed = hs.Find("notAvailable");
  if (closed == nullptr) return;
  const std::string today = TodayUtc();
  // Orders closures: one on today ("") first, then those to come by their first day.
  auto order = [&today](const std::string& from) { return from <= today ? std::string() : from; };
  for (size_t i = 0; i < closed->items().size(); ++i) {
    const JsonValue* during = closed->items()[i].Find("during");
    if (during == nullptr) continue;
    const std::string pfield = FieldPath(FieldPath(FieldPath(field, "notAvailable"), i), "during");
    std::optional<std::string> from, until;
    bool ok = true;
    for (auto [key, day] : {std::pair{"start", &from}, std::pair{"end", &until}}) {
      const JsonValue* value = during->Find(key);
      if (value == nullptr) continue;
      std::string_view text = value->AsString().value_or("");
      *day = std::string_view(key) == "start" ? FirstDayOf(text) : DayAfterLastOf(text);
      if (!*day) {
        p.Add(*value, FieldPath(pfield, key), "expected a FHIR dateTime");
        ok = false;
      }
    }
    if (!ok || (!from && !until) || (until && *until <= today)) continue;  // malformed, empty or over
    if (g.temporarily_closed && order(from.value_or("")) >= order(g.details->closed_from)) continue;
    g.temporarily_closed = true;
    g.details.Set(&GroupDetails::closed_from, from.value_or(""));
    g.details.Set(&GroupDetails::closed_until, until.value_or(""));
  }
}

// Our listing-minimum-age and listing-report-to extensions. A malformed value is a problem (the
// record is left out, as for any malformed element it needs).
void ReadListingExtensions(const JsonValue& hs, const std::string& field, DataProblems& p, Group& g) {
  ReadClosure(hs, field, p, g);
  if (const JsonValue* extensions = hs.Find("extension")) {
    for (size_t i = 0; i < extensions->items().size(); ++i) {
      const JsonValue& ext = extensions->items()[i];
      const std::string efield = FieldPath(FieldPath(field, "extension"), i);
      if (ext.FindString("url") == kListingMinimumAgeExtension) {
        auto years = ext.FindInt("valueUnsignedInt");
        if (years && *years >= 1 && *years <= 120) g.min_age = static_cast<int>(*years);
        else p.Add(ext, FieldPath(efield, "valueUnsignedInt"), "expected an age in years, 1 to 120");
      } else if (ext.FindString("url") == kListingReportToExtension) {
        g.report_to = ReadReportLink(ext, "valueUrl", efield, p);
      }
    }
  }
}

// Applies what `categories` says about the codings in category, type, specialty, characteristic.
void ApplyCategories(const JsonValue& hs, const mappings::CategoryMap& categories, Group& g) {
  std::sort(g.themes.begin(), g.themes.end());
  for (const char* element : {"category", "type", "specialty", "characteristic"}) {
    const JsonValue* concepts = hs.Find(element);
    if (concepts == nullptr) continue;
    for (const JsonValue& concept_json : concepts->items()) {
      for (const fhir::Coding& c : fhir::CodingsOf(concept_json)) {
        if (const mappings::CategoryMeaning* meaning = categories.Find(c.system + "|" + c.code)) ApplyCategory(*meaning, g);
      }
    }
  }
}

// The Location a Reference names: contained ("#id") or included in the bundle; nullptr if neither.
const JsonValue* ReferencedLocation(const JsonValue& hs, const JsonValue& reference,
                                    const std::map<std::string, const JsonValue*>& included) {
  std::string ref(reference.FindString("reference").value_or(""));
  if (ref.rfind('#', 0) == 0) {
    if (const JsonValue* contained = hs.Find("contained")) {
      for (const JsonValue& c : contained->items()) {
        if (c.FindString("id") == std::string_view(ref).substr(1)) return &c;
      }
    }
    return nullptr;
  }
  auto it = included.find(ref);
  return it == included.end() ? nullptr : it->second;
}

// coverageArea: the municipalities a contact point covers beside its address's (Group::areas),
// each a Location with a municipality code; an area we cannot resolve to one is left out.
void ReadCoverageAreas(const JsonValue& hs, const std::map<std::string, const JsonValue*>& included,
                       const std::string& field, DataProblems& p, Group& g) {
  const JsonValue* coverage = hs.Find("coverageArea");
  if (coverage == nullptr) return;
  for (size_t i = 0; i < coverage->items().size(); ++i) {
    const JsonValue* area = ReferencedLocation(hs, coverage->items()[i], included);
    if (area == nullptr) continue;
    const std::string municipality = MunicipalityOf(*area);
    if (municipality.empty()) continue;
    if (!mappings::IsDigits(municipality, 4)) {
      p.Add(coverage->items()[i], FieldPath(FieldPath(field, "coverageArea"), i), "expected a 4-digit municipality number");
    } else {
      AddArea(g, municipality);
    }
  }
}

// The group of one HealthcareService; nullopt, with its problems in `p`, when an element it needs
// is malformed. An unsafe link is left out (and reported) without rejecting the service.
std::optional<Group> FromHealthcareService(const JsonValue& hs, const std::map<std::string, const JsonValue*>& included,
                                           const std::string& source, const mappings::CategoryMap* categories,
                                           DataProblems& p) {
  Group g;
  g.source = source;
  g.id = std::string(hs.FindString("id").value_or(""));
  const std::string field = "HealthcareService/" + g.id;
  if (!fhir::IsFhirId(g.id)) {
    p.Add(hs, field, "id: expected a FHIR id");
    return std::nullopt;
  }
  const size_t before = p.lines().size();
  g.name = std::string(hs.FindString("name").value_or(g.id));
  g.organisation = std::string(hs.FindPath({"providedBy", "display"}) ? hs.FindPath({"providedBy", "display"})->AsString().value_or("") : "");
  g.themes = CodesIn(hs.Find("type"), vocabulary::kThemeSystem);
  for (const std::string& c : CodesIn(hs.Find("characteristic"), vocabulary::kCharacteristicSystem)) {
    if (c == "twelve-step") g.twelve_step = true;
    if (c == "digital") g.format = Format::kDigital;
    if (c == "in-person-and-digital") g.format = Format::kBoth;
    if (c == "for-relatives") g.audience = Audience::kRelatives;
    if (c == "for-both") g.audience = Audience::kBoth;
    if (c == "contact-point") g.kind = ListingKind::kContactPoint;
    if (c == "national-service") g.national = true;
    if (c == "open-group") g.access = Access::kOpen;
    if (c == "closed-group") g.access = Access::kClosed;
    if (c == "wheelchair-accessible") g.wheelchair = true;
  }
  ReadListingExtensions(hs, field, p, g);
  g.languages = CodesIn(hs.Find("communication"), "urn:ietf:bcp:47");
  if (g.languages.empty()) g.languages = {"nb"};
  std::vector<std::string> link_problems;
  if (const JsonValue* telecom = hs.Find("telecom")) {
    for (size_t i = 0; i < telecom->items().size(); ++i) {
      const JsonValue& point = telecom->items()[i];
      std::string value(point.FindString("value").value_or(""));
      auto system = point.FindString("system");
      if (system == "phone") g.details.Set(&GroupDetails::phone, value);
      else if (system == "email") g.details.Set(&GroupDetails::email, value);
      else if (system == "url" && !value.empty() && !IsSafeLink(value)) {
        link_problems.push_back(FieldPath(FieldPath(FieldPath(field, "telecom"), i), "value"));
      } else if (system == "url") {
        g.details.Set(&GroupDetails::website, value);
      }
    }
  }
  if (const JsonValue* tags = hs.FindPath({"meta", "tag"})) {
    for (const JsonValue& tag : tags->items()) {
      if (tag.FindString("system") == vocabulary::kActReasonSystem && tag.FindString("code") == "HTEST") g.synthetic = true;
    }
  }
  if (const JsonValue* locations = hs.Find("location"); locations && !locations->items().empty()) {
    if (const JsonValue* place = ReferencedLocation(hs, locations->items()[0], included)) {
      ReadPlace(*place, FieldPath(field, "location[0]"), p, g);
    }
  }
  ReadCoverageAreas(hs, included, field, p, g);
  ReadSchedule(hs, field, p, g);
  if (categories != nullptr) ApplyCategories(hs, *categories, g);
  if (p.lines().size() != before) return std::nullopt;
  for (const std::string& link : link_problems) {
    p.Add(hs, link, "expected an http(s), mailto or tel URL (left out)");
  }
  return g;
}

}  // namespace

Result<SourceContent> GroupsFromFhirBundle(const JsonValue& bundle, const std::string& source,
                                           const mappings::CategoryMap* categories) {
  if (bundle.FindString("resourceType") != "Bundle") {
    return InvalidArgumentError("the directory did not answer with a Bundle");
  }
  std::map<std::string, const JsonValue*> included;
  for (const JsonValue* location : fhir::BundleResources(bundle, "Location")) {
    included[fhir::ReferenceTo(*location)] = location;
  }
  SourceContent content;
  DataProblems p(source);
  SeenIds ids;
  for (const JsonValue* hs : fhir::BundleResources(bundle, "HealthcareService")) {
    if (hs->FindBool("active") == false) continue;
    std::optional<Group> g = FromHealthcareService(*hs, included, source, categories, p);
    if (!g) continue;
    if (!ids.Add(g->id)) {
      p.Add(*hs, "HealthcareService/" + g->id, "the bundle holds this id twice (the first is kept)");
      continue;
    }
    content.groups.push_back(std::move(*g));
  }
  content.rejected = p.lines();
  return content;
}

Result<SourceContent> FetchFhirDirectory(fhir::FhirClient& client, const std::string& base_url,
                                              const std::string& bearer_token, const std::string& source,
                                              const mappings::CategoryMap* categories, const ReadBounds& bounds,
                                              std::stop_token stop) {
  // Shared with the callback, which may run after this returns (when stopped).
  auto answer = std::make_shared<std::promise<Result<JsonValue>>>();
  std::future<Result<JsonValue>> result = answer->get_future();
  fhir::FhirReadOptions options;
  options.bearer_token = bearer_token;
  options.timeout = std::chrono::seconds(10);
  options.max_pages = static_cast<int>(std::min<int64_t>(bounds.max_pages, 1000000));
  options.max_bytes = bounds.max_bytes;
  client.Read(base_url, "HealthcareService?active=true&_include=HealthcareService:location&_count=500", options,
              [answer](Result<JsonValue> r) { answer->set_value(std::move(r)); });
  // Our own thread, not a request handler: wait, looking at `stop` now and then.
  while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    if (stop.stop_requested()) return UnavailableError(base_url + ": cancelled (the service is stopping)");
  }
  Result<JsonValue> bundle = result.get();
  if (bundle.status().code() == StatusCode::kResourceExhausted) return ReadBoundReached(base_url, "maxBytes", bounds.max_bytes);
  if (!bundle.ok()) return bundle.status();
  const int64_t services = static_cast<int64_t>(fhir::BundleResources(*bundle, "HealthcareService").size());
  if (services > bounds.max_items) return ReadBoundReached(base_url, "maxItems", bounds.max_items);
  return GroupsFromFhirBundle(*bundle, source, categories);
}

}  // namespace selvhjelp::plugin
