#pragma once
// FHIR R4 dates and instants.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace selvhjelp::fhir {

// Days since 1970-01-01 for a FHIR date or dateTime ("2026-11-20", "2026-11-20T10:00:00+01:00");
// nullopt when the text does not start with a valid date.
std::optional<int64_t> EpochDay(std::string_view fhir_date);

// Seconds since the epoch for a FHIR instant / RFC 3339 date-time with seconds and a time zone
// ("2026-11-20T10:00:00+01:00", "2026-11-20T09:00:00.250Z"); nullopt for anything else.
std::optional<int64_t> EpochSeconds(std::string_view instant);

// "YYYY-MM-DDThh:mm:ssZ" (UTC) for seconds since the epoch: a FHIR instant, and RFC 3339.
std::string IsoInstant(int64_t seconds);

// The same moment as Norway's clocks show it (Europe/Oslo: UTC+1, and UTC+2 from the last Sunday
// of March 01:00 UTC to the last Sunday of October 01:00 UTC, the EU's rule since 1996), as a FHIR
// dateTime with its offset: "2026-03-15T00:30:00+01:00". What a clinician or patient reads as the
// date and time of a note or a handout; substr(0, 10) is the Norwegian date.
std::string NorwayDateTime(int64_t seconds);

}  // namespace selvhjelp::fhir
