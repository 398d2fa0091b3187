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
