#include "plugin/groups/meeting_words.h"

#include <vector>

namespace selvhjelp::plugin {

namespace {

// The value of `part` ("BYDAY") in an iCal rule "FREQ=WEEKLY;BYDAY=TU", or empty.
std::string_view RulePart(std::string_view rule, std::string_view part) {
  size_t at = 0;
  while (at <= rule.size()) {
    size_t end = rule.find(';', at);
    std::string_view item = rule.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (item.size() > part.size() && item.substr(0, part.size()) == part && item[part.size()] == '=') {
      return item.substr(part.size() + 1);
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return {};
}

bool IsWeekday(std::string_view day) {
  for (std::string_view known : {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}) {
    if (day == known) return true;
  }
  return false;
}

}  // namespace

std::string MeetingWords(const Meeting& m, std::string_view language, const mappings::TextCatalog& texts) {
  const std::string_view frequency = RulePart(m.rrule, "FREQ");
  const std::string_view by_day = RulePart(m.rrule, "BYDAY");
  const std::string time = m.start_time;
  if (frequency == "WEEKLY" && !by_day.empty()) {
    std::string days;
    for (size_t at = 0; at <= by_day.size();) {
      size_t end = by_day.find(',', at);
      std::string_view day = by_day.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
      if (!IsWeekday(day)) return time;
      days += (days.empty() ? "" : ", ") + texts.Get(language, "weekday." + std::string(day));
      if (end == std::string_view::npos) break;
      at = end + 1;
    }
    return time.empty() ? days : days + " " + time;
  }
  if (frequency == "MONTHLY" && by_day.size() >= 3 && IsWeekday(by_day.substr(by_day.size() - 2))) {
    std::string_view nth = by_day.substr(0, by_day.size() - 2);
    if (nth == "1" || nth == "2" || nth == "3" || nth == "4" || nth == "5" || nth == "-1") {
      std::string words = texts.Get(language, "schedule.monthly",
                                    {{"ordinal", texts.Get(language, "ordinal." + std::string(nth))},
                                     {"day", texts.Get(language, "day." + std::string(by_day.substr(by_day.size() - 2)))}});
      return time.empty() ? words : words + " " + time;
    }
  }
  return time;
}

std::string PlaceWords(const Group& g) {
  if (!MeetsInPerson(g) || g.address.city.empty()) return {};
  return g.address.line.empty() ? g.address.city : g.address.line + ", " + g.address.city;
}

}  // namespace selvhjelp::plugin
