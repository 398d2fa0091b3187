#include "plugin/groups/closure_period.h"

#include <chrono>
#include <cstdio>

#include "fhir/r4/date_time.h"
#include "mappings/geography.h"

namespace selvhjelp::plugin {

namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

std::string DayText(sys_days d) {
  const year_month_day ymd(d);
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return out;
}

// The first day `text` covers and the first day after it, for the precisions FHIR allows.
std::optional<std::pair<sys_days, sys_days>> DaysCovered(std::string_view text) {
  if (text.size() >= 4 && mappings::IsDigits(text.substr(0, 4), 4) && (text.size() == 4 || text[4] == '-')) {
    const year y(std::stoi(std::string(text.substr(0, 4))));
    if (text.size() == 4) return std::make_pair(sys_days(y / 1 / 1), sys_days((y + std::chrono::years(1)) / 1 / 1));
    if (text.size() == 7 && mappings::IsDigits(text.substr(5, 2), 2)) {
      const month m(static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2)))));
      if (!m.ok()) return std::nullopt;
      const auto first = y / m / 1;
      return std::make_pair(sys_days(first), sys_days(first + std::chrono::months(1)));
    }
  }
  // A date, or a dateTime (which FHIR gives with seconds and a time zone).
  if (text.size() != 10 && !fhir::EpochSeconds(text)) return std::nullopt;
  std::optional<int64_t> epoch_day = fhir::EpochDay(text);
  if (!epoch_day) return std::nullopt;
  const sys_days first{std::chrono::days(*epoch_day)};
  return std::make_pair(first, first + std::chrono::days(1));
}

}  // namespace

std::optional<std::string> FirstDayOf(std::string_view fhir_date_time) {
  auto covered = DaysCovered(fhir_date_time);
  if (!covered) return std::nullopt;
  return DayText(covered->first);
}

std::optional<std::string> DayAfterLastOf(std::string_view fhir_date_time) {
  auto covered = DaysCovered(fhir_date_time);
  if (!covered) return std::nullopt;
  return DayText(covered->second);
}

std::optional<std::string> DayBefore(std::string_view day_text) {
  if (day_text.size() != 10) return std::nullopt;
  std::optional<int64_t> epoch_day = fhir::EpochDay(day_text);
  if (!epoch_day) return std::nullopt;
  return DayText(sys_days{std::chrono::days(*epoch_day - 1)});
}

std::string TodayUtc() {
  return DayText(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
}

}  // namespace selvhjelp::plugin
