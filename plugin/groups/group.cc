#include "plugin/groups/group.h"

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

bool ServesPerson(const Group& g) { return g.audience != Audience::kRelatives; }
bool ServesRelatives(const Group& g) { return g.audience != Audience::kPerson; }
bool IsDigital(const Group& g) { return g.format != Format::kInPerson; }
bool MeetsInPerson(const Group& g) { return g.format != Format::kDigital; }

}  // namespace selvhjelp::plugin
