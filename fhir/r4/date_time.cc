#include "fhir/r4/date_time.h"

#include <cctype>
#include <chrono>
#include <ctime>

namespace selvhjelp::fhir {

std::optional<int64_t> EpochDay(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](size_t from, size_t len) {
    int v = 0;
    for (size_t i = from; i < from + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

std::optional<int64_t> EpochSeconds(std::string_view s) {
  std::optional<int64_t> day = EpochDay(s);
  if (!day || s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto two = [&](size_t at) {
    if (at + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[at])) ||
        !std::isdigit(static_cast<unsigned char>(s[at + 1]))) {
      return -1;
    }
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
  };
  int hh = two(11), mm = two(14), ss = two(17);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return std::nullopt;
  size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    ++at;
    size_t digits = at;
    while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) ++at;
    if (at == digits) return std::nullopt;
  }
  int64_t offset = 0;
  if (at + 1 == s.size() && s[at] == 'Z') {
    offset = 0;
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    int oh = two(at + 1), om = two(at + 4);
    if (oh < 0 || oh > 14 || om < 0 || om > 59) return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[at] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  return *day * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

std::string IsoInstant(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

namespace {

// Seconds since the epoch of the last Sunday of `month` in `year`, 01:00 UTC.
int64_t LastSundayOneUtc(int year, unsigned month) {
  using namespace std::chrono;
  const sys_days last{year_month_day_last(std::chrono::year(year), month_day_last(std::chrono::month(month)))};
  const sys_days sunday = last - (weekday(last) - Sunday);
  return sunday.time_since_epoch().count() * 86400 + 3600;
}

}  // namespace

std::string NorwayDateTime(int64_t seconds) {
  using namespace std::chrono;
  const int year = static_cast<int>(year_month_day(sys_days(days(seconds / 86400 - (seconds % 86400 < 0)))).year());
  const bool summer = seconds >= LastSundayOneUtc(year, 3) && seconds < LastSundayOneUtc(year, 10);
  const int64_t offset = summer ? 7200 : 3600;
  std::string text = IsoInstant(seconds + offset);
  text.pop_back();  // the Z
  return text + (summer ? "+02:00" : "+01:00");
}

}  // namespace selvhjelp::fhir
