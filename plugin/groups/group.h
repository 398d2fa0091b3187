#pragma once
// Group: one self-help group or meeting series, in a shape that HSDS, FHIR HealthcareService and
// Meeting Guide sources can all be mapped onto (issue 3 adds those sources).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/link.h"
#include "plugin/groups/out_of_line.h"

namespace selvhjelp::plugin {

// The enums are one byte each: a directory holds a Group per listing (100,000 in the benchmark).
enum class Audience : uint8_t { kPerson, kRelatives, kBoth };  // who the group is for
enum class Format : uint8_t { kInPerson, kDigital, kBoth };
// A meeting group meets on a schedule; a contact point has none: it is whom to contact to join
// or start a group (a LINK centre, a frivilligsentral that starts Selvhjelp Norge's closed groups,
// an interest form).
enum class ListingKind : uint8_t { kMeetingGroup, kContactPoint };
// Whether anyone may come (open) or only the members (closed); unknown when the source does not say.
enum class Access : uint8_t { kUnknown, kOpen, kClosed };

struct Meeting {
  std::string rrule;       // iCal recurrence rule, e.g. "FREQ=WEEKLY;BYDAY=TU" or "FREQ=MONTHLY;BYDAY=2TU"
  std::string start_time;  // "19:00" local time
  std::string duration;    // ISO 8601, e.g. "PT90M"; optional
};

struct GroupAddress {
  std::string line;
  std::string municipality;  // 4-digit kommunenummer (2024)
  std::string postal_code;
  std::string city;
  std::optional<double> latitude, longitude;
};

// The fields of a Group that most listings leave empty, kept out of line (Group::details).
struct GroupDetails {
  // The organisation's organisasjonsnummer (9 digits), when the source gives it: brokered contact
  // names the organisation by it in the patient's consent.
  std::string organisation_number;
  std::string phone, email, website;
  // A contact point's other municipalities (4-digit numbers) beside its address's: where it starts
  // groups. Empty for meeting groups.
  std::vector<std::string> areas;
  // With Group::temporarily_closed: from `closed_from` (YYYY-MM-DD, the first day closed; empty:
  // closed already) until `closed_until` (YYYY-MM-DD, the day it opens again) or, without that
  // date, until the source says otherwise. A closure may lie ahead (a FHIR notAvailable period).
  std::string closed_from;
  std::string closed_until;

  bool operator==(const GroupDetails&) const = default;
};

struct Group {
  std::string id;            // stable within its source
  std::string name;
  std::string organisation;  // "AA", "NA", "Al-Anon", "Selvhjelp Norge", a LINK centre, ...
  std::vector<std::string> themes;  // alcohol, drugs, gambling, mental-health, relatives, ...
  std::vector<std::string> languages;  // BCP 47: nb, nn, en, ...
  std::vector<Meeting> meetings;
  GroupAddress address;
  std::string source;          // which configured source it came from
  std::string last_confirmed;  // date the source last confirmed it, YYYY-MM-DD
  // Where to report wrong information about this listing: a mailto: or http(s) URL, from the
  // source's data or the source's configured reportTo.
  std::string report_to;
  // organisation_number, phone, email, website, areas, closed_from, closed_until: read as
  // `g.details->phone`, set with `g.details.Set(&GroupDetails::phone, value)` (or Edit()); a group
  // that has none of them pays one pointer.
  OutOfLine<GroupDetails> details;

  Audience audience = Audience::kPerson;
  Format format = Format::kInPerson;
  ListingKind kind = ListingKind::kMeetingGroup;
  Access access = Access::kUnknown;
  bool twelve_step = false;
  bool synthetic = false;   // invented for demos and tests
  bool wheelchair = false;  // the place is wheelchair accessible (false: not said)
  // Temporarily closed (no meetings) from details->closed_from until details->closed_until.
  bool temporarily_closed = false;
  // A national service (a helpline, a national organisation's digital groups): for everyone,
  // shown after every local listing.
  bool national = false;
  int min_age = 0;  // the age limit (18 for Selvhjelp Norge's groups); 0: none given
};

// True for "HH:MM" from 00:00 to 23:59.
bool IsClockTime(std::string_view hhmm);
// Minutes after midnight of the "HH:MM" that `text` starts with ("19:30", "19:30:00",
// "19:30+01:00"); nullopt when it does not start with one.
std::optional<int> MinutesOfDay(std::string_view text);

// Minutes of an ISO 8601 duration of the form "PT#H#M" (either part may be left out), from 1
// minute to 24 hours; nullopt for anything else, including numbers too large to add up.
std::optional<int> DurationMinutes(std::string_view iso);
// IsSafeLink and IsReportLink: fhir/base/link.h (one rule for sources and the config).
using fhir::IsReportLink;
using fhir::IsSafeLink;
// True for degrees of latitude (-90 to 90) and longitude (-180 to 180).
bool IsLatitude(double degrees);
bool IsLongitude(double degrees);

bool ServesPerson(const Group& g);
bool ServesRelatives(const Group& g);
bool IsDigital(const Group& g);
bool MeetsInPerson(const Group& g);
bool IsContactPoint(const Group& g);
// Adds `municipality` (a 4-digit number) to the municipalities `g` covers beside its address's
// (GroupDetails::areas); its address's own, and one already there, are not added again.
void AddArea(Group& g, const std::string& municipality);
// True when `g` is temporarily closed on `today` (YYYY-MM-DD): on or after its closed_from (when
// it has one) and before its closed_until (when it has one).
bool IsClosedOn(const Group& g, std::string_view today);
// True for a calendar date written YYYY-MM-DD (month 01-12, day 01-31).
bool IsIsoDate(std::string_view date);

}  // namespace selvhjelp::plugin
