#include "plugin/groups/fhir_directory_source.h"

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "fhir/r4/bundle.h"
#include "fhir/r4/coding.h"
#include "plugin/groups/apply_category.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

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

void ReadPlace(const JsonValue& location, Group& g) {
  if (const JsonValue* address = location.Find("address")) {
    if (const JsonValue* lines = address->Find("line"); lines && !lines->items().empty()) {
      g.address.line = std::string(lines->items()[0].AsString().value_or(""));
    }
    g.address.city = std::string(address->FindString("city").value_or(""));
    g.address.postal_code = std::string(address->FindString("postalCode").value_or(""));
    if (const JsonValue* extensions = address->FindPath({"_district", "extension"})) {
      for (const JsonValue& ext : extensions->items()) {
        if (ext.FindString("url") != vocabulary::kMunicipalityExtension) continue;
        if (auto code = ext.FindPath({"valueCoding", "code"})) g.address.municipality = std::string(code->AsString().value_or(""));
      }
    }
  }
  if (const JsonValue* position = location.Find("position")) {
    if (const JsonValue* lat = position->Find("latitude")) g.address.latitude = lat->AsDouble();
    if (const JsonValue* lon = position->Find("longitude")) g.address.longitude = lon->AsDouble();
  }
}

void ReadSchedule(const JsonValue& hs, Group& g) {
  const JsonValue* slots = hs.Find("availableTime");
  if (slots == nullptr) return;
  for (const JsonValue& slot : slots->items()) {
    std::string days;
    if (const JsonValue* list = slot.Find("daysOfWeek")) {
      for (const JsonValue& day : list->items()) {
        auto it = kIcalDays.find(std::string(day.AsString().value_or("")));
        if (it != kIcalDays.end()) days += (days.empty() ? "" : ",") + it->second;
      }
    }
    std::string start(slot.FindString("availableStartTime").value_or(""));
    if (days.empty() || start.size() < 5) continue;
    Meeting m{"FREQ=WEEKLY;BYDAY=" + days, start.substr(0, 5), ""};
    std::string end(slot.FindString("availableEndTime").value_or(""));
    auto from = MinutesOfDay(start), to = MinutesOfDay(end);
    if (from && to && *to > *from) m.duration = "PT" + std::to_string(*to - *from) + "M";
    g.meetings.push_back(std::move(m));
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

Group FromHealthcareService(const JsonValue& hs, const std::map<std::string, const JsonValue*>& included,
                            const std::string& source, const mappings::CategoryMap* categories) {
  Group g;
  g.source = source;
  g.id = std::string(hs.FindString("id").value_or(""));
  g.name = std::string(hs.FindString("name").value_or(g.id));
  g.organisation = std::string(hs.FindPath({"providedBy", "display"}) ? hs.FindPath({"providedBy", "display"})->AsString().value_or("") : "");
  g.themes = CodesIn(hs.Find("type"), vocabulary::kThemeSystem);
  for (const std::string& c : CodesIn(hs.Find("characteristic"), vocabulary::kCharacteristicSystem)) {
    if (c == "twelve-step") g.twelve_step = true;
    if (c == "digital") g.format = Format::kDigital;
    if (c == "in-person-and-digital") g.format = Format::kBoth;
    if (c == "for-relatives") g.audience = Audience::kRelatives;
    if (c == "for-both") g.audience = Audience::kBoth;
  }
  g.languages = CodesIn(hs.Find("communication"), "urn:ietf:bcp:47");
  if (g.languages.empty()) g.languages = {"nb"};
  if (const JsonValue* telecom = hs.Find("telecom")) {
    for (const JsonValue& point : telecom->items()) {
      std::string value(point.FindString("value").value_or(""));
      auto system = point.FindString("system");
      if (system == "phone") g.phone = value;
      else if (system == "email") g.email = value;
      else if (system == "url") g.website = value;
    }
  }
  if (const JsonValue* tags = hs.FindPath({"meta", "tag"})) {
    for (const JsonValue& tag : tags->items()) {
      if (tag.FindString("system") == vocabulary::kActReasonSystem && tag.FindString("code") == "HTEST") g.synthetic = true;
    }
  }
  if (const JsonValue* locations = hs.Find("location"); locations && !locations->items().empty()) {
    std::string ref(locations->items()[0].FindString("reference").value_or(""));
    const JsonValue* place = nullptr;
    if (ref.rfind('#', 0) == 0) {
      if (const JsonValue* contained = hs.Find("contained")) {
        for (const JsonValue& c : contained->items()) {
          if (c.FindString("id") == std::string_view(ref).substr(1)) place = &c;
        }
      }
    } else if (auto it = included.find(ref); it != included.end()) {
      place = it->second;
    }
    if (place) ReadPlace(*place, g);
  }
  ReadSchedule(hs, g);
  if (categories != nullptr) ApplyCategories(hs, *categories, g);
  return g;
}

}  // namespace

Result<std::vector<Group>> GroupsFromFhirBundle(const JsonValue& bundle, const std::string& source,
                                                const mappings::CategoryMap* categories) {
  if (bundle.FindString("resourceType") != "Bundle") {
    return InvalidArgumentError("the directory did not answer with a Bundle");
  }
  std::map<std::string, const JsonValue*> included;
  for (const JsonValue* location : fhir::BundleResources(bundle, "Location")) {
    included[fhir::ReferenceTo(*location)] = location;
  }
  std::vector<Group> groups;
  for (const JsonValue* hs : fhir::BundleResources(bundle, "HealthcareService")) {
    if (hs->FindBool("active") == false) continue;
    groups.push_back(FromHealthcareService(*hs, included, source, categories));
  }
  return groups;
}

Result<std::vector<Group>> FetchFhirDirectory(fhir::FhirClient& client, const std::string& base_url,
                                              const std::string& bearer_token, const std::string& source,
                                              const mappings::CategoryMap* categories) {
  std::promise<Result<JsonValue>> answer;
  std::future<Result<JsonValue>> result = answer.get_future();
  fhir::FhirReadOptions options;
  options.bearer_token = bearer_token;
  options.timeout = std::chrono::seconds(10);
  options.max_pages = 1000;
  client.Read(base_url, "HealthcareService?active=true&_include=HealthcareService:location&_count=500", options,
              [&answer](Result<JsonValue> r) { answer.set_value(std::move(r)); });
  Result<JsonValue> bundle = result.get();  // our own thread, not a request handler
  if (!bundle.ok()) return bundle.status();
  return GroupsFromFhirBundle(*bundle, source, categories);
}

}  // namespace selvhjelp::plugin
