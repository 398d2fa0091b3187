#include "plugin/groups/healthcare_service.h"

#include <cstdio>

#include "fhir/json/json_writer.h"
#include "fhir/r4/coding.h"
#include "fhir/r4/date_time.h"
#include "plugin/cds/vocabulary.h"
#include "plugin/groups/closure_period.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

std::string FhirIdFrom(const std::string& text) {
  std::string id;
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    id.push_back(ok ? c : '-');
    if (id.size() == 64) break;
  }
  return id.empty() ? "group" : id;
}

std::string HealthcareServiceId(const Group& group) { return FhirIdFrom(group.source + "-" + group.id); }

namespace {

// "FREQ=WEEKLY;BYDAY=TU,TH" -> the BYDAY value; empty when absent.
std::string RulePart(const std::string& rrule, std::string_view name) {
  std::string key = std::string(name) + "=";
  size_t at = rrule.find(key);
  if (at == std::string::npos) return {};
  size_t end = rrule.find(';', at);
  return rrule.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
}

std::string ClockTime(int minutes_of_day) {
  char out[16];
  std::snprintf(out, sizeof out, "%02d:%02d:00", (minutes_of_day / 60) % 24, minutes_of_day % 60);
  return out;
}

constexpr std::pair<const char*, const char*> kDays[] = {
    {"MO", "mon"}, {"TU", "tue"}, {"WE", "wed"}, {"TH", "thu"}, {"FR", "fri"}, {"SA", "sat"}, {"SU", "sun"}};

// Weekly rules with plain weekdays become availableTime; anything else is described in text.
void AddSchedule(const Group& g, JsonValue& hs) {
  std::string exceptions;
  for (const Meeting& m : g.meetings) {
    std::string byday = RulePart(m.rrule, "BYDAY");
    bool weekly = RulePart(m.rrule, "FREQ") == "WEEKLY" && RulePart(m.rrule, "INTERVAL").empty();
    JsonValue days = JsonValue::Array();
    for (size_t start = 0; weekly && start < byday.size();) {
      size_t end = byday.find(',', start);
      std::string day = byday.substr(start, end == std::string::npos ? std::string::npos : end - start);
      const char* fhir_day = nullptr;
      for (const auto& [ical, fhir] : kDays) {
        if (day == ical) fhir_day = fhir;
      }
      if (fhir_day == nullptr) weekly = false;  // "2TU" and the like
      else days.Append(JsonValue::String(fhir_day));
      start = end == std::string::npos ? byday.size() : end + 1;
    }
    if (weekly && !days.items().empty()) {
      JsonValue& slot = (hs.MutableFind("availableTime") ? *hs.MutableFind("availableTime")
                                                          : hs.Set("availableTime", JsonValue::Array()))
                            .Append(JsonValue::Object());
      slot.Set("daysOfWeek", std::move(days));
      // Sources check their times at import; a group built otherwise only loses its times.
      if (std::optional<int> start = MinutesOfDay(m.start_time)) {
        slot.Set("availableStartTime", ClockTime(*start));
        if (std::optional<int> minutes = DurationMinutes(m.duration)) {
          slot.Set("availableEndTime", ClockTime(*start + *minutes));
        }
      }
    } else {
      exceptions += (exceptions.empty() ? "" : "; ") + std::string("Meets ") + m.start_time +
                    " by the iCal rule " + m.rrule;
    }
  }
  if (!exceptions.empty()) hs.Set("availabilityExceptions", exceptions);
}

// The municipality of an address as no-basis writes it: the municipality code extension on
// address.district.
void SetMunicipality(JsonValue& address, const std::string& municipality) {
  JsonValue& district = address.Set("_district", JsonValue::Object());
  JsonValue& extension = district.Set("extension", JsonValue::Array()).Append(JsonValue::Object());
  extension.Set("url", vocabulary::kMunicipalityExtension);
  extension.Set("valueCoding", fhir::MakeCoding(vocabulary::kKommunenummerSystem, municipality));
}

JsonValue PlaceOf(const Group& g) {
  JsonValue location = JsonValue::Object();
  location.Set("resourceType", "Location");
  location.Set("id", "place");
  location.Set("name", g.name);
  JsonValue& address = location.Set("address", JsonValue::Object());
  if (!g.address.line.empty()) address.Set("line", JsonValue::Array()).Append(JsonValue::String(g.address.line));
  if (!g.address.city.empty()) address.Set("city", g.address.city);
  SetMunicipality(address, g.address.municipality);
  if (!g.address.postal_code.empty()) address.Set("postalCode", g.address.postal_code);
  address.Set("country", "NO");
  if (g.address.latitude && g.address.longitude) {
    JsonValue& position = location.Set("position", JsonValue::Object());
    position.Set("longitude", JsonValue::RawNumber(std::to_string(*g.address.longitude)));
    position.Set("latitude", JsonValue::RawNumber(std::to_string(*g.address.latitude)));
  }
  return location;
}

// A contact point's other municipalities (Group::areas) as coverageArea: one contained Location
// per municipality, a jurisdiction with the municipality on its address as no-basis writes it.
void AddCoverageAreas(const Group& g, JsonValue& hs) {
  if (g.details->areas.empty()) return;
  JsonValue* contained = hs.MutableFind("contained");
  if (contained == nullptr) contained = &hs.Set("contained", JsonValue::Array());
  JsonValue& coverage = hs.Set("coverageArea", JsonValue::Array());
  for (const std::string& area : g.details->areas) {
    JsonValue& location = contained->Append(JsonValue::Object());
    location.Set("resourceType", "Location");
    location.Set("id", "area-" + area);
    location.Set("mode", "instance");
    location.Set("physicalType", fhir::MakeConcept(fhir::MakeCoding(
                                     "http://terminology.hl7.org/CodeSystem/location-physical-type", "jdn", "Jurisdiction")));
    JsonValue& address = location.Set("address", JsonValue::Object());
    SetMunicipality(address, area);
    address.Set("country", "NO");
    coverage.Append(JsonValue::Object()).Set("reference", "#area-" + area);
  }
}

// Organisasjonsnummer in Enhetsregisteret (ENH), as no-basis names it.
constexpr const char* kOrganisationNumberSystem = "urn:oid:2.16.578.1.12.4.1.4.101";

// 16 hex digits of FNV-1a (64 bits) over `text`: a version id that changes with the content.
std::string ContentHash(const std::string& text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

// Contact point, national service, open/closed and wheelchair access, in group-characteristic.
void AddListingCharacteristics(const Group& g, JsonValue& characteristics) {
  auto add = [&characteristics](const char* code) {
    characteristics.Append(fhir::MakeConcept(fhir::MakeCoding(vocabulary::kCharacteristicSystem, code)));
  };
  if (IsContactPoint(g)) add("contact-point");
  if (g.national) add("national-service");
  if (g.access == Access::kOpen) add("open-group");
  if (g.access == Access::kClosed) add("closed-group");
  if (g.wheelchair) add("wheelchair-accessible");
}

}  // namespace

JsonValue ToHealthcareService(const Group& g, const Confirmation& confirmation) {
  JsonValue hs = JsonValue::Object();
  hs.Set("resourceType", "HealthcareService");
  hs.Set("id", HealthcareServiceId(g));
  if (g.synthetic) {
    JsonValue& meta = hs.Set("meta", JsonValue::Object());
    meta.Set("tag", JsonValue::Array()).Append(fhir::MakeCoding(vocabulary::kActReasonSystem, "HTEST", "test health data"));
  }
  if (MeetsInPerson(g)) {
    hs.Set("contained", JsonValue::Array()).Append(PlaceOf(g));
  }
  JsonValue& identifier = hs.Set("identifier", JsonValue::Array()).Append(JsonValue::Object());
  identifier.Set("system", vocabulary::kGroupIdSystem);
  identifier.Set("value", g.source + "|" + g.id);
  hs.Set("active", JsonValue::Bool(true));
  JsonValue& provider = hs.Set("providedBy", JsonValue::Object());
  if (!g.details->organisation_number.empty()) {
    JsonValue& organisation = provider.Set("identifier", JsonValue::Object());
    organisation.Set("system", kOrganisationNumberSystem);
    organisation.Set("value", g.details->organisation_number);
  }
  provider.Set("display", g.organisation);
  hs.Set("category", JsonValue::Array())
      .Append(fhir::MakeConcept(fhir::MakeCoding(vocabulary::kTopicSystem, "self-help-groups", "Self-help groups")));
  JsonValue& types = hs.Set("type", JsonValue::Array());
  for (const std::string& theme : g.themes) types.Append(fhir::MakeConcept(fhir::MakeCoding(vocabulary::kThemeSystem, theme)));
  if (MeetsInPerson(g)) {
    JsonValue& location = hs.Set("location", JsonValue::Array()).Append(JsonValue::Object());
    location.Set("reference", "#place");
  }
  AddCoverageAreas(g, hs);
  hs.Set("name", g.name);
  JsonValue& telecom = hs.Set("telecom", JsonValue::Array());
  for (const auto& [system, value] : {std::pair<const char*, const std::string*>{"phone", &g.details->phone},
                                      {"email", &g.details->email}, {"url", &g.details->website}}) {
    if (value->empty()) continue;
    JsonValue& point = telecom.Append(JsonValue::Object());
    point.Set("system", system);
    point.Set("value", *value);
  }
  if (telecom.items().empty()) hs.Erase("telecom");
  JsonValue& characteristics = hs.Set("characteristic", JsonValue::Array());
  characteristics.Append(fhir::MakeConcept(fhir::MakeCoding(vocabulary::kCharacteristicSystem, g.twelve_step ? "twelve-step" : "not-twelve-step")));
  characteristics.Append(fhir::MakeConcept(fhir::MakeCoding(vocabulary::kCharacteristicSystem,
                                        g.format == Format::kInPerson ? "in-person"
                                        : g.format == Format::kDigital ? "digital" : "in-person-and-digital")));
  characteristics.Append(fhir::MakeConcept(fhir::MakeCoding(vocabulary::kCharacteristicSystem,
                                        g.audience == Audience::kPerson ? "for-the-person"
                                        : g.audience == Audience::kRelatives ? "for-relatives" : "for-both")));
  AddListingCharacteristics(g, characteristics);
  JsonValue& languages = hs.Set("communication", JsonValue::Array());
  for (const std::string& language : g.languages) languages.Append(fhir::MakeConcept(fhir::MakeCoding("urn:ietf:bcp:47", language)));
  AddSchedule(g, hs);
  if (g.temporarily_closed) {
    JsonValue& closed = hs.Set("notAvailable", JsonValue::Array()).Append(JsonValue::Object());
    closed.Set("description", "Temporarily closed");
    // Period.end is the last unavailable moment: the day before it opens again. A closure without
    // either date is written from the day the source last confirmed it (today when unknown): a
    // notAvailable without `during` closes nothing.
    JsonValue& during = closed.Set("during", JsonValue::Object());
    const std::optional<std::string> last = DayBefore(g.details->closed_until);
    std::string from = g.details->closed_from;
    if (from.empty() && !last) from = confirmation.at > 0 ? fhir::IsoInstant(confirmation.at).substr(0, 10) : TodayUtc();
    if (!from.empty()) during.Set("start", from);
    if (last) during.Set("end", *last);
  }
  auto extension = [&hs](std::string_view url) -> JsonValue& {
    JsonValue* list = hs.MutableFind("extension");
    if (list == nullptr) list = &hs.Set("extension", JsonValue::Array());
    JsonValue& item = list->Append(JsonValue::Object());
    item.Set("url", std::string(url));
    return item;
  };
  if (g.min_age > 0) extension(kListingMinimumAgeExtension).Set("valueUnsignedInt", JsonValue::Int(g.min_age));
  if (!g.report_to.empty()) extension(kListingReportToExtension).Set("valueUrl", g.report_to);
  if (confirmation.stale) extension(kListingStaleExtension).Set("valueBoolean", JsonValue::Bool(true));
  const std::string version = ContentHash(fhir::WriteJson(hs));
  JsonValue* meta = hs.MutableFind("meta");
  if (meta == nullptr) meta = &hs.Set("meta", JsonValue::Object());
  meta->Set("versionId", version);
  if (confirmation.at > 0) meta->Set("lastUpdated", fhir::IsoInstant(confirmation.at));
  return hs;
}

JsonValue HealthcareServiceBundle(const std::vector<const Group*>& groups, const std::string& type,
                                  const std::string& base_url, const SourceConfirmations* confirmations,
                                  std::optional<size_t> total) {
  JsonValue bundle = JsonValue::Object();
  bundle.Set("resourceType", "Bundle");
  bundle.Set("type", type);
  if (type == "searchset") bundle.Set("total", JsonValue::Int(static_cast<int64_t>(total.value_or(groups.size()))));
  JsonValue& entries = bundle.Set("entry", JsonValue::Array());
  for (const Group* g : groups) {
    JsonValue resource = ToHealthcareService(*g, confirmations ? confirmations->Of(g->source) : Confirmation{});
    JsonValue& entry = entries.Append(JsonValue::Object());
    entry.Set("fullUrl", base_url + "/HealthcareService/" + std::string(*resource.FindString("id")));
    entry.Set("resource", std::move(resource));
    if (type == "searchset") {
      JsonValue& search = entry.Set("search", JsonValue::Object());
      search.Set("mode", "match");
    }
  }
  if (entries.items().empty()) bundle.Erase("entry");
  return bundle;
}

}  // namespace selvhjelp::plugin
