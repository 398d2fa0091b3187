#include "plugin/groups/meeting_guide_source.h"

#include <algorithm>
#include <set>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "fhir/json/json_reader.h"
#include "plugin/groups/apply_category.h"
#include "plugin/groups/source_values.h"

namespace selvhjelp::plugin {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

namespace {

constexpr const char* kIcalDays[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};


std::optional<Group> ReadMeeting(const JsonValue& m, const std::string& field, DataProblems& p,
                                 const MeetingGuideSource& source) {
  if (!m.is_object()) {
    p.Add(m, field, "expected an object");
    return std::nullopt;
  }
  const size_t before = p.lines().size();
  Group g;
  g.source = source.name;
  g.organisation = source.organisation;
  g.themes = source.themes;
  g.twelve_step = true;
  g.name = p.String(m, "name", field, true).value_or("");
  g.id = p.String(m, "slug", field, true).value_or("");
  if (m.FindString("attendance_option") == "inactive") return std::nullopt;

  // Weekly schedule: day (0-6 or a list) and time.
  std::string byday;
  if (const JsonValue* day = m.Find("day")) {
    std::vector<const JsonValue*> days;
    if (day->is_array()) {
      for (const JsonValue& d : day->items()) days.push_back(&d);
    } else {
      days.push_back(day);
    }
    for (const JsonValue* d : days) {
      std::optional<int64_t> n = d->AsInt();
      if (!n || *n < 0 || *n > 6) {
        p.Add(*d, FieldPath(field, "day"), "expected 0 (Sunday) to 6");
        continue;
      }
      byday += (byday.empty() ? "" : ",") + std::string(kIcalDays[*n]);
    }
  }
  std::optional<std::string> time = p.String(m, "time", field, false);
  if (time && !IsClockTime(*time)) p.Add(*m.Find("time"), FieldPath(field, "time"), "expected HH:MM");
  // Meeting Guide: a meeting without a day is "by appointment" — a contact point, not a schedule.
  if (m.Find("day") == nullptr && !time) g.kind = ListingKind::kContactPoint;
  if (!byday.empty() && time && IsClockTime(*time)) {
    Meeting meeting{"FREQ=WEEKLY;BYDAY=" + byday, *time, ""};
    if (auto end = m.FindString("end_time"); end && IsClockTime(*end)) {
      int minutes = *MinutesOfDay(*end) - *MinutesOfDay(*time);  // both checked as HH:MM
      if (minutes > 0) meeting.duration = "PT" + std::to_string(minutes) + "M";
    }
    g.meetings.push_back(std::move(meeting));
  }

  // Format: attendance_option, then an online link, then type codes.
  std::string attendance(m.FindString("attendance_option").value_or(""));
  // Meeting Guide: a meeting is online when it has a conference_url or a conference_phone.
  const bool online = m.Find("conference_url") != nullptr || m.Find("conference_phone") != nullptr;
  g.format = attendance == "online" ? Format::kDigital : attendance == "hybrid" ? Format::kBoth
             : online && attendance.empty()            ? Format::kBoth
                                                       : Format::kInPerson;
  std::sort(g.themes.begin(), g.themes.end());
  for (const std::string& code : p.Strings(m, "types", field, false)) {
    if (const mappings::CategoryMeaning* meaning = source.types ? source.types->Find(code) : nullptr) {
      ApplyCategory(*meaning, g);
    }
  }
  // TC ("Location Temporarily Closed") closes the place, not the meeting: with an online option
  // it goes on online only (TSML UI's rule); only a TC meeting without one is closed.
  if (g.temporarily_closed && online) {
    g.temporarily_closed = false;
    g.format = Format::kDigital;
  }
  if (g.languages.empty()) g.languages = {"nb"};

  // Place: postal code, then city, through the geography tables.
  if (MeetsInPerson(g)) {
    g.address.line = std::string(m.FindString("address").value_or(m.FindString("formatted_address").value_or("")));
    g.address.city = std::string(m.FindString("city").value_or(""));
    g.address.postal_code = std::string(m.FindString("postal_code").value_or(""));
    std::optional<std::string> municipality;
    if (source.geography) {
      municipality = source.geography->MunicipalityByPostalCode(g.address.postal_code);
      if (!municipality) municipality = source.geography->MunicipalityByName(g.address.city);
    }
    if (!municipality) {
      p.Add(m, field, "cannot place this meeting: its postal_code and city are not in the geography tables");
    } else {
      g.address.municipality = *municipality;
    }
    ReadCoordinates(m, "latitude", "longitude", field, p, g);
  }
  g.details.Set(&GroupDetails::website, ReadLink(m, m.Find("website") ? "website" : "conference_url", field, p));
  g.report_to = ReadReportLink(m, "feedback_url", field, p);  // the feed's own "report a change" link
  g.details.Set(&GroupDetails::email, std::string(m.FindString("email").value_or("")));
  g.details.Set(&GroupDetails::phone, std::string(m.FindString("phone").value_or(m.FindString("conference_phone").value_or(""))));
  if (auto updated = m.FindString("updated"); updated && updated->size() >= 10) {
    g.last_confirmed = std::string(updated->substr(0, 10));
  }
  if (p.lines().size() != before) return std::nullopt;
  return g;
}

}  // namespace

Result<std::vector<Group>> LoadMeetingGuide(const std::filesystem::path& file, const MeetingGuideSource& source) {
  SELVHJELP_ASSIGN_OR_RETURN(std::string text, fhir::ReadTextFile(file));
  return ParseMeetingGuide(text, file.string(), source);
}

Result<std::vector<Group>> ParseMeetingGuide(std::string_view text, const std::string& where,
                                             const MeetingGuideSource& source) {
  Result<JsonValue> parsed = fhir::ParseJson(text);
  if (!parsed.ok()) return fhir::InFile(where, parsed.status());
  const JsonValue& root = *parsed;
  DataProblems p(where);
  if (!root.is_array()) {
    p.Add(root, "(top level)", "expected the Meeting Guide array of meetings");
    return p.ToStatus();
  }
  std::vector<Group> groups;
  std::set<std::string> slugs;
  for (size_t i = 0; i < root.items().size(); ++i) {
    std::string field = "[" + std::to_string(i) + "]";
    std::optional<Group> g = ReadMeeting(root.items()[i], field, p, source);
    if (!g) continue;
    if (!slugs.insert(g->id).second) {
      p.Add(root.items()[i], FieldPath(field, "slug"), "duplicate slug in this feed");
      continue;
    }
    groups.push_back(std::move(*g));
  }
  SELVHJELP_RETURN_IF_ERROR(p.ToStatus());
  return groups;
}

}  // namespace selvhjelp::plugin
