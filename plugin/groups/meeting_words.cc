#include "plugin/groups/meeting_words.h"

namespace selvhjelp::plugin {

namespace {

constexpr std::string_view kWeekdays[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr std::string_view kOrdinals[] = {"1", "2", "3", "4", "5", "-1"};

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

// Index of `code` in `codes`; -1 when it is none of them.
template <size_t N>
int IndexOf(const std::string_view (&codes)[N], std::string_view code) {
  for (size_t i = 0; i < N; ++i) {
    if (codes[i] == code) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

MeetingVocabulary::MeetingVocabulary(const mappings::TextCatalog& texts, std::string_view language) {
  std::array<std::string, std::size(kOrdinals)> ordinals;
  for (size_t n = 0; n < std::size(kOrdinals); ++n) ordinals[n] = texts.Get(language, "ordinal." + std::string(kOrdinals[n]));
  for (size_t d = 0; d < std::size(kWeekdays); ++d) {
    weekdays[d] = texts.Get(language, "weekday." + std::string(kWeekdays[d]));
    const std::string day = texts.Get(language, "day." + std::string(kWeekdays[d]));
    for (size_t n = 0; n < std::size(kOrdinals); ++n) {
      monthly[n][d] = texts.Get(language, "schedule.monthly", {{"ordinal", ordinals[n]}, {"day", day}});
    }
  }
}

std::string MeetingWords(const Meeting& m, const MeetingVocabulary& words) {
  const std::string_view frequency = RulePart(m.rrule, "FREQ");
  const std::string_view by_day = RulePart(m.rrule, "BYDAY");
  const std::string& time = m.start_time;
  if (frequency == "WEEKLY" && !by_day.empty()) {
    std::string days;
    for (size_t at = 0; at <= by_day.size();) {
      size_t end = by_day.find(',', at);
      std::string_view day = by_day.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
      const int d = IndexOf(kWeekdays, day);
      if (d < 0) return time;
      if (!days.empty()) days += ", ";
      days += words.weekdays[d];
      if (end == std::string_view::npos) break;
      at = end + 1;
    }
    if (!time.empty()) days.append(" ").append(time);
    return days;
  }
  if (frequency == "MONTHLY" && by_day.size() >= 3) {
    const int d = IndexOf(kWeekdays, by_day.substr(by_day.size() - 2));
    const int n = IndexOf(kOrdinals, by_day.substr(0, by_day.size() - 2));
    if (d >= 0 && n >= 0) {
      std::string out = words.monthly[n][d];
      if (!time.empty()) out.append(" ").append(time);
      return out;
    }
  }
  return time;
}

std::string MeetingWords(const Meeting& m, std::string_view language, const mappings::TextCatalog& texts) {
  return MeetingWords(m, MeetingVocabulary(texts, language));
}

std::string PlaceWords(const Group& g) {
  if (!MeetsInPerson(g) || g.address.city.empty()) return {};
  return g.address.line.empty() ? g.address.city : g.address.line + ", " + g.address.city;
}

}  // namespace selvhjelp::plugin
