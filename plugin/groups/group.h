#pragma once
// Group: one self-help group or meeting series, in a shape that HSDS, FHIR HealthcareService and
// Meeting Guide sources can all be mapped onto (issue 3 adds those sources).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace selvhjelp::plugin {

enum class Audience { kPerson, kRelatives, kBoth };  // who the group is for
enum class Format { kInPerson, kDigital, kBoth };

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

struct Group {
  std::string id;            // stable within its source
  std::string name;
  std::string organisation;  // "AA", "NA", "Al-Anon", "Selvhjelp Norge", a LINK centre, ...
  // The organisation's organisasjonsnummer (9 digits), when the source gives it: brokered contact
  // names the organisation by it in the patient's consent.
  std::string organisation_number;
  std::vector<std::string> themes;  // alcohol, drugs, gambling, mental-health, relatives, ...
  Audience audience = Audience::kPerson;
  bool twelve_step = false;
  Format format = Format::kInPerson;
  std::vector<std::string> languages;  // BCP 47: nb, nn, en, ...
  std::vector<Meeting> meetings;
  GroupAddress address;
  std::string phone, email, website;
  std::string source;          // which configured source it came from
  std::string last_confirmed;  // date the source last confirmed it, YYYY-MM-DD
  bool synthetic = false;      // invented for demos and tests
};

// True for "HH:MM" from 00:00 to 23:59.
bool IsClockTime(std::string_view hhmm);
// Minutes after midnight of the "HH:MM" that `text` starts with ("19:30", "19:30:00",
// "19:30+01:00"); nullopt when it does not start with one.
std::optional<int> MinutesOfDay(std::string_view text);

// Minutes of an ISO 8601 duration of the form "PT#H#M" (either part may be left out), from 1
// minute to 24 hours; nullopt for anything else, including numbers too large to add up.
std::optional<int> DurationMinutes(std::string_view iso);
// True for a link that may be republished: an absolute http, https, mailto or tel URL (scheme in
// any case) without spaces or control characters. javascript:, data: and the like are false.
bool IsSafeLink(std::string_view url);
// True for degrees of latitude (-90 to 90) and longitude (-180 to 180).
bool IsLatitude(double degrees);
bool IsLongitude(double degrees);

bool ServesPerson(const Group& g);
bool ServesRelatives(const Group& g);
bool IsDigital(const Group& g);
bool MeetsInPerson(const Group& g);

}  // namespace selvhjelp::plugin
