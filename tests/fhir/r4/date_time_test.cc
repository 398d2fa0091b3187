#include "fhir/r4/date_time.h"

#include <boost/test/unit_test.hpp>

using namespace selvhjelp::fhir;

BOOST_AUTO_TEST_CASE(epoch_days_and_instants) {
  BOOST_TEST(*EpochDay("1970-01-02") == 1);
  BOOST_TEST(*EpochDay("2026-11-23T10:00:00+01:00") == *EpochDay("2026-11-23"));
  BOOST_TEST(!EpochDay("2026-02-30").has_value());
  BOOST_TEST(!EpochDay("2026-1-5").has_value());
  BOOST_TEST(IsoInstant(0) == "1970-01-01T00:00:00Z");
  BOOST_TEST(IsoInstant(*EpochDay("2026-11-23") * 86400 + 3723) == "2026-11-23T01:02:03Z");
}

BOOST_AUTO_TEST_CASE(norway_date_time_follows_the_clocks) {
  auto norway = [](const char* instant) { return NorwayDateTime(*EpochSeconds(instant)); };
  // Half past midnight in Norway is still yesterday in UTC: the note and the handout say the 15th.
  BOOST_TEST(norway("2026-03-14T23:30:00Z") == "2026-03-15T00:30:00+01:00");
  // Summer time from the last Sunday of March, 01:00 UTC, to the last Sunday of October, 01:00 UTC.
  BOOST_TEST(norway("2026-03-29T00:59:59Z") == "2026-03-29T01:59:59+01:00");
  BOOST_TEST(norway("2026-03-29T01:00:00Z") == "2026-03-29T03:00:00+02:00");
  BOOST_TEST(norway("2026-07-01T12:00:00Z") == "2026-07-01T14:00:00+02:00");
  BOOST_TEST(norway("2026-10-25T00:59:59Z") == "2026-10-25T02:59:59+02:00");
  BOOST_TEST(norway("2026-10-25T01:00:00Z") == "2026-10-25T02:00:00+01:00");
  BOOST_TEST(norway("2027-03-28T01:00:00Z") == "2027-03-28T03:00:00+02:00");  // another year's last Sunday
  BOOST_TEST(norway("2026-12-31T23:30:00Z") == "2027-01-01T00:30:00+01:00");
  BOOST_TEST(NorwayDateTime(0) == "1970-01-01T01:00:00+01:00");
  for (int64_t t : {int64_t{0}, int64_t{1774746000}, int64_t{1792890000}, int64_t{1800000000}}) {
    BOOST_TEST(*EpochSeconds(NorwayDateTime(t)) == t);  // the same moment
  }
}
