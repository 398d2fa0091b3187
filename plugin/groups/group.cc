#include "plugin/groups/group.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "mappings/geography.h"

namespace selvhjelp::plugin {

bool IsClockTime(std::string_view t) {
  return t.size() == 5 && t[2] == ':' && mappings::IsDigits(t.substr(0, 2), 2) &&
         mappings::IsDigits(t.substr(3, 2), 2) && t.substr(0, 2) < "24" && t.substr(3, 2) < "60";
}

std::optional<int> MinutesOfDay(std::string_view text) {
  if (text.size() < 5 || !IsClockTime(text.substr(0, 5))) return std::nullopt;
  return ((text[0] - '0') * 10 + (text[1] - '0')) * 60 + (text[3] - '0') * 10 + (text[4] - '0');
}

std::optional<int> DurationMinutes(std::string_view iso) {
  constexpr int kMaxMinutes = 24 * 60;
  if (iso.size() < 4 || iso.substr(0, 2) != "PT") return std::nullopt;
  int minutes = 0, number = 0, digits = 0;
  bool seen_hours = false, seen_minutes = false;
  for (char c : iso.substr(2)) {
    if (c >= '0' && c <= '9') {
      if (++digits > 4) return std::nullopt;  // bounds `number` long before int could overflow
      number = number * 10 + (c - '0');
    } else if (c == 'H' && digits > 0 && !seen_hours && !seen_minutes) {
      minutes += 60 * number;
      seen_hours = true;
      number = digits = 0;
    } else if (c == 'M' && digits > 0 && !seen_minutes) {
      minutes += number;
      seen_minutes = true;
      number = digits = 0;
    } else {
      return std::nullopt;
    }
    if (minutes > kMaxMinutes) return std::nullopt;
  }
  if (digits > 0 || minutes < 1) return std::nullopt;  // a number without its unit, or nothing
  return minutes;
}

bool IsLatitude(double degrees) { return std::isfinite(degrees) && degrees >= -90 && degrees <= 90; }
bool IsLongitude(double degrees) { return std::isfinite(degrees) && degrees >= -180 && degrees <= 180; }

bool ServesPerson(const Group& g) { return g.audience != Audience::kRelatives; }
bool ServesRelatives(const Group& g) { return g.audience != Audience::kPerson; }
bool IsDigital(const Group& g) { return g.format != Format::kInPerson; }
bool MeetsInPerson(const Group& g) { return g.format != Format::kDigital; }
bool IsContactPoint(const Group& g) { return g.kind == ListingKind::kContactPoint; }

void AddArea(Group& g, const std::string& municipality) {
  const std::vector<std::string>& areas = g.details->areas;
  if (municipality == g.address.municipality || std::find(areas.begin(), areas.end(), municipality) != areas.end()) return;
  g.details.Edit().areas.push_back(municipality);
}

bool IsClosedOn(const Group& g, std::string_view today) {
  if (!g.temporarily_closed) return false;
  const GroupDetails& d = *g.details;
  return (d.closed_from.empty() || std::string_view(d.closed_from) <= today) &&
         (d.closed_until.empty() || today < std::string_view(d.closed_until));
}

bool IsIsoDate(std::string_view d) {
  return d.size() == 10 && d[4] == '-' && d[7] == '-' && mappings::IsDigits(d.substr(0, 4), 4) &&
         mappings::IsDigits(d.substr(5, 2), 2) && mappings::IsDigits(d.substr(8, 2), 2) &&
         d.substr(5, 2) >= "01" && d.substr(5, 2) <= "12" && d.substr(8, 2) >= "01" && d.substr(8, 2) <= "31";
}

}  // namespace selvhjelp::plugin
