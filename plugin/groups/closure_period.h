#pragma once
// A temporary closure in days, between FHIR and the Group. FHIR says it as
// HealthcareService.notAvailable.during, a Period whose start and end are dates or dateTimes of
// any precision ("2026", "2026-12", "2026-12-10", "2026-12-10T18:00:00+01:00") and whose end is
// the last unavailable moment (inclusive); a Group holds the first day closed (closed_from) and
// the day it opens again (closed_until), both YYYY-MM-DD.
#include <optional>
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

// The first day a FHIR date or dateTime covers: "2026" -> "2026-01-01", "2026-12" ->
// "2026-12-01", "2026-12-10T18:00:00+01:00" -> "2026-12-10"; nullopt when it is not one.
std::optional<std::string> FirstDayOf(std::string_view fhir_date_time);

// The day after the last day a FHIR date or dateTime covers, i.e. the day a closure ending then
// opens again: "2026" -> "2027-01-01", "2026-12" -> "2027-01-01", "2026-12-10" -> "2026-12-11".
// A dateTime closes its whole day ("2026-12-10T12:00:00+01:00" -> "2026-12-11"): a Group counts
// days. nullopt when it is not one.
std::optional<std::string> DayAfterLastOf(std::string_view fhir_date_time);

// The day before `day` (YYYY-MM-DD): the last day closed of a closure that opens again on `day`;
// nullopt when `day` is not a date.
std::optional<std::string> DayBefore(std::string_view day);

// Today's date in UTC, YYYY-MM-DD.
std::string TodayUtc();

}  // namespace selvhjelp::plugin
