#include "plugin/groups/group_file_source.h"

#include <algorithm>
#include <cctype>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "fhir/json/json_reader.h"
#include "fhir/json/json_stream_writer.h"
#include "mappings/geography.h"
#include "plugin/groups/seen_ids.h"

namespace selvhjelp::plugin {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

namespace {

void ReadMeetings(const JsonValue& item, const std::string& field, DataProblems& p, Group& g) {
  const JsonValue* meetings = p.Array(item, "meetings", field, false);
  if (meetings == nullptr) return;
  for (size_t i = 0; i < meetings->items().size(); ++i) {
    const JsonValue& m = meetings->items()[i];
    std::string mfield = FieldPath(FieldPath(field, "meetings"), i);
    p.RejectUnknown(m, mfield, {"rrule", "startTime", "duration"});
    Meeting meeting;
    if (auto v = p.String(m, "rrule", mfield, true)) {
      if (v->rfind("FREQ=", 0) != 0) p.Add(*m.Find("rrule"), FieldPath(mfield, "rrule"),
                                           "expected an iCal RRULE starting with FREQ=");
      meeting.rrule = *v;
    }
    if (auto v = p.String(m, "startTime", mfield, true)) {
      if (!IsClockTime(*v)) p.Add(*m.Find("startTime"), FieldPath(mfield, "startTime"), "expected HH:MM");
      meeting.start_time = *v;
    }
    if (auto v = p.String(m, "duration", mfield, false)) {
      if (!DurationMinutes(*v)) {
        p.Add(*m.Find("duration"), FieldPath(mfield, "duration"), "expected PT#H#M, from 1 minute to 24 hours");
      }
      meeting.duration = *v;
    }
    g.meetings.push_back(std::move(meeting));
  }
}

void ReadAddress(const JsonValue& item, const std::string& field, DataProblems& p, Group& g) {
  const JsonValue* a = p.Object(item, "address", field, MeetsInPerson(g));
  if (a == nullptr) return;
  std::string afield = FieldPath(field, "address");
  p.RejectUnknown(*a, afield, {"line", "municipality", "postalCode", "city", "latitude", "longitude"});
  g.address.line = p.String(*a, "line", afield, false).value_or("");
  if (auto v = p.String(*a, "municipality", afield, true)) {
    if (!mappings::IsDigits(*v, 4)) {
      p.Add(*a->Find("municipality"), FieldPath(afield, "municipality"),
            "expected a 4-digit municipality number");
    }
    g.address.municipality = *v;
  }
  if (auto v = p.String(*a, "postalCode", afield, false)) {
    if (!mappings::IsDigits(*v, 4)) {
      p.Add(*a->Find("postalCode"), FieldPath(afield, "postalCode"), "expected 4 digits");
    }
    g.address.postal_code = *v;
  }
  g.address.city = p.String(*a, "city", afield, false).value_or("");
  for (const char* key : {"latitude", "longitude"}) {
    const JsonValue* v = a->Find(key);
    if (v == nullptr) continue;
    std::optional<double> d = v->AsDouble();
    const bool latitude = std::string_view(key) == "latitude";
    if (!d || !(latitude ? IsLatitude(*d) : IsLongitude(*d))) {
      p.Add(*v, FieldPath(afield, key), "expected a number of degrees");
      continue;
    }
    (std::string_view(key) == "latitude" ? g.address.latitude : g.address.longitude) = d;
  }
}

// The listing's kind, what people choose by, its scope and where to report wrong information.
void ReadListingAttributes(const JsonValue& item, const std::string& field, DataProblems& p, Group& g) {
  std::string kind = p.String(item, "kind", field, false).value_or("meeting-group");
  if (kind == "contact-point") g.kind = ListingKind::kContactPoint;
  else if (kind != "meeting-group") p.Add(*item.Find("kind"), FieldPath(field, "kind"), "expected meeting-group or contact-point");
  if (IsContactPoint(g)) {
    if (!g.meetings.empty()) p.Add(*item.Find("meetings"), FieldPath(field, "meetings"), "a contact point has no schedule");
    if (g.details->phone.empty() && g.details->email.empty() && g.details->website.empty()) {
      p.Add(item, FieldPath(field, "phone"), "a contact point needs a phone, email or website to contact");
    }
  }
  g.details.Set(&GroupDetails::areas, p.Strings(item, "areas", field, false));  // a non-string element is a problem there
  if (const JsonValue* areas = item.Find("areas"); areas && areas->is_array()) {
    // By the element's own index: Strings leaves out the elements that are not strings.
    for (size_t i = 0; i < areas->items().size(); ++i) {
      std::optional<std::string_view> area = areas->items()[i].AsString();
      if (area && !mappings::IsDigits(*area, 4)) {
        p.Add(areas->items()[i], FieldPath(FieldPath(field, "areas"), i), "expected a 4-digit municipality number");
      }
    }
  }
  if (!g.details->areas.empty() && !IsContactPoint(g)) p.Add(*item.Find("areas"), FieldPath(field, "areas"), "only a contact point covers areas");
  if (auto access = p.String(item, "access", field, false)) {
    if (*access == "open") g.access = Access::kOpen;
    else if (*access == "closed") g.access = Access::kClosed;
    else p.Add(*item.Find("access"), FieldPath(field, "access"), "expected open or closed");
  }
  g.min_age = static_cast<int>(p.Int(item, "minAge", field, false, 1, 120).value_or(0));
  g.wheelchair = p.Bool(item, "wheelchair", field).value_or(false);
  g.temporarily_closed = p.Bool(item, "temporarilyClosed", field).value_or(false);
  if (auto from = p.String(item, "closedFrom", field, false)) {
    if (!IsIsoDate(*from)) p.Add(*item.Find("closedFrom"), FieldPath(field, "closedFrom"), "expected a date, YYYY-MM-DD");
    g.details.Set(&GroupDetails::closed_from, *from);
    g.temporarily_closed = true;
  }
  if (auto until = p.String(item, "closedUntil", field, false)) {
    if (!IsIsoDate(*until)) p.Add(*item.Find("closedUntil"), FieldPath(field, "closedUntil"), "expected a date, YYYY-MM-DD");
    g.details.Set(&GroupDetails::closed_until, *until);
    g.temporarily_closed = true;
  }
  if (auto scope = p.String(item, "scope", field, false)) {
    if (*scope == "national") g.national = true;
    else if (*scope != "local") p.Add(*item.Find("scope"), FieldPath(field, "scope"), "expected local or national");
  }
  g.report_to = p.String(item, "reportTo", field, false).value_or("");
  if (!g.report_to.empty() && !IsReportLink(g.report_to)) {
    p.Add(*item.Find("reportTo"), FieldPath(field, "reportTo"), "expected a mailto: or http(s) URL");
  }
}

std::optional<Group> ReadGroup(const JsonValue& item, const std::string& field, DataProblems& p,
                               const std::string& source) {
  if (!item.is_object()) {
    p.Add(item, field, "expected an object");
    return std::nullopt;
  }
  p.RejectUnknown(item, field, {"id", "name", "organisation", "organisationNumber", "themes", "audience", "twelveStep",
                                "format", "languages", "meetings", "address", "phone", "email",
                                "website", "lastConfirmed", "synthetic", "kind", "areas", "access", "minAge",
                                "wheelchair", "temporarilyClosed", "closedFrom", "closedUntil", "scope", "reportTo"});
  Group g;
  g.source = source;
  size_t before = p.lines().size();
  g.id = p.String(item, "id", field, true).value_or("");
  g.name = p.String(item, "name", field, true).value_or("");
  g.organisation = p.String(item, "organisation", field, true).value_or("");
  if (auto number = p.String(item, "organisationNumber", field, false)) {
    const bool nine_digits = number->size() == 9 && std::all_of(number->begin(), number->end(), [](unsigned char c) { return std::isdigit(c); });
    if (nine_digits) g.details.Set(&GroupDetails::organisation_number, *number);
    else p.Add(*item.Find("organisationNumber"), FieldPath(field, "organisationNumber"), "expected a 9-digit organisasjonsnummer");
  }
  g.themes = p.Strings(item, "themes", field, true);
  std::string audience = p.String(item, "audience", field, true).value_or("person");
  if (audience == "person") g.audience = Audience::kPerson;
  else if (audience == "relatives") g.audience = Audience::kRelatives;
  else if (audience == "both") g.audience = Audience::kBoth;
  else p.Add(*item.Find("audience"), FieldPath(field, "audience"), "expected person, relatives or both");
  g.twelve_step = p.Bool(item, "twelveStep", field).value_or(false);
  std::string format = p.String(item, "format", field, true).value_or("in-person");
  if (format == "in-person") g.format = Format::kInPerson;
  else if (format == "digital") g.format = Format::kDigital;
  else if (format == "both") g.format = Format::kBoth;
  else p.Add(*item.Find("format"), FieldPath(field, "format"), "expected in-person, digital or both");
  g.languages = p.Strings(item, "languages", field, false);
  if (g.languages.empty()) g.languages = {"nb"};
  ReadMeetings(item, field, p, g);
  ReadAddress(item, field, p, g);
  g.details.Set(&GroupDetails::phone, p.String(item, "phone", field, false).value_or(""));
  g.details.Set(&GroupDetails::email, p.String(item, "email", field, false).value_or(""));
  g.details.Set(&GroupDetails::website, p.String(item, "website", field, false).value_or(""));
  if (!g.details->website.empty() && !IsSafeLink(g.details->website)) {
    p.Add(*item.Find("website"), FieldPath(field, "website"), "expected an http(s), mailto or tel URL");
  }
  g.last_confirmed = p.String(item, "lastConfirmed", field, false).value_or("");
  g.synthetic = p.Bool(item, "synthetic", field).value_or(false);
  ReadListingAttributes(item, field, p, g);
  if (p.lines().size() != before) return std::nullopt;
  return g;
}

}  // namespace

namespace {

// Groups are read one at a time as the parser finishes each (a 100,000-group file never exists
// as one tree).
Result<std::vector<Group>> ReadGroupDocument(std::string_view text, const std::filesystem::path& where,
                                             const std::string& source) {
  DataProblems p(where);
  std::vector<Group> groups;
  SeenIds ids;
  size_t index = 0;
  Result<JsonValue> root = fhir::ParseJsonStreamingArray(text, "groups", [&](JsonValue item) {
    std::string field = FieldPath("groups", index++);
    std::optional<Group> g = ReadGroup(item, field, p, source);
    if (!g) return true;
    if (!ids.Add(g->id)) {
      p.Add(*item.Find("id"), FieldPath(field, "id"), "duplicate id in this source");
      return true;
    }
    groups.push_back(std::move(*g));
    return true;
  });
  if (!root.ok()) return fhir::InFile(where, root.status());
  if (!root->is_object()) {
    p.Add(*root, "(top level)", "expected an object");
  } else {
    p.RejectUnknown(*root, "", {"description", "groups"});
    (void)p.Array(*root, "groups", "", true);
  }
  SELVHJELP_RETURN_IF_ERROR(p.ToStatus());
  return groups;
}

}  // namespace

std::optional<Group> ReadGroupFields(const JsonValue& object, const std::string& field,
                                     DataProblems& problems, const std::string& source) {
  return ReadGroup(object, field, problems, source);
}

namespace {

const char* AudienceName(Audience a) {
  return a == Audience::kPerson ? "person" : a == Audience::kRelatives ? "relatives" : "both";
}
const char* FormatName(Format f) {
  return f == Format::kInPerson ? "in-person" : f == Format::kDigital ? "digital" : "both";
}

// The members ReadListingAttributes reads, those that differ from their defaults.
void WriteListingAttributes(fhir::JsonStreamWriter& w, const Group& g) {
  if (IsContactPoint(g)) w.Member("kind", "contact-point");
  if (!g.details->areas.empty()) {
    w.Key("areas");
    w.StartArray();
    for (const std::string& area : g.details->areas) w.String(area);
    w.EndArray();
  }
  if (g.access != Access::kUnknown) w.Member("access", g.access == Access::kOpen ? "open" : "closed");
  if (g.min_age > 0) {
    w.Key("minAge");
    w.Int(g.min_age);
  }
  if (g.wheelchair) {
    w.Key("wheelchair");
    w.Bool(true);
  }
  if (g.temporarily_closed) {
    w.Key("temporarilyClosed");
    w.Bool(true);
  }
  if (!g.details->closed_from.empty()) w.Member("closedFrom", g.details->closed_from);
  if (!g.details->closed_until.empty()) w.Member("closedUntil", g.details->closed_until);
  if (g.national) w.Member("scope", "national");
  if (!g.report_to.empty()) w.Member("reportTo", g.report_to);
}

}  // namespace

Result<std::vector<Group>> LoadGroupFile(const std::filesystem::path& file, const std::string& source) {
  SELVHJELP_ASSIGN_OR_RETURN(std::string text, fhir::ReadTextFile(file));
  return ReadGroupDocument(text, file, source);
}

Result<std::vector<Group>> ParseGroupDocument(std::string_view text, const std::filesystem::path& where,
                                              const std::string& source) {
  return ReadGroupDocument(text, where, source);
}

std::string GroupsToJson(const std::vector<Group>& groups) {
  fhir::JsonStreamWriter w;
  w.StartObject();
  w.Key("groups");
  w.StartArray();
  for (const Group& g : groups) {
    w.StartObject();
    w.Member("id", g.id);
    w.Member("name", g.name);
    w.Member("organisation", g.organisation);
    if (!g.details->organisation_number.empty()) w.Member("organisationNumber", g.details->organisation_number);
    auto strings = [&w](std::string_view key, const std::vector<std::string>& values) {
      w.Key(key);
      w.StartArray();
      for (const std::string& v : values) w.String(v);
      w.EndArray();
    };
    strings("themes", g.themes);
    w.Member("audience", AudienceName(g.audience));
    w.Key("twelveStep");
    w.Bool(g.twelve_step);
    w.Member("format", FormatName(g.format));
    strings("languages", g.languages);
    w.Key("meetings");
    w.StartArray();
    for (const Meeting& m : g.meetings) {
      w.StartObject();
      w.Member("rrule", m.rrule);
      w.Member("startTime", m.start_time);
      if (!m.duration.empty()) w.Member("duration", m.duration);
      w.EndObject();
    }
    w.EndArray();
    if (!g.address.municipality.empty()) {
      w.Key("address");
      w.StartObject();
      if (!g.address.line.empty()) w.Member("line", g.address.line);
      w.Member("municipality", g.address.municipality);
      if (!g.address.postal_code.empty()) w.Member("postalCode", g.address.postal_code);
      if (!g.address.city.empty()) w.Member("city", g.address.city);
      if (g.address.latitude && g.address.longitude) {
        w.Key("latitude");
        w.Raw(std::to_string(*g.address.latitude));
        w.Key("longitude");
        w.Raw(std::to_string(*g.address.longitude));
      }
      w.EndObject();
    }
    for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"phone", &g.details->phone},
                                     {"email", &g.details->email}, {"website", &g.details->website},
                                     {"lastConfirmed", &g.last_confirmed}}) {
      if (!value->empty()) w.Member(key, *value);
    }
    w.Key("synthetic");
    w.Bool(g.synthetic);
    WriteListingAttributes(w, g);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace selvhjelp::plugin
