#include <boost/test/unit_test.hpp>

#include "plugin/groups/meeting_words.h"
#include "tests/plugin/handout/handout_test_util.h"

using namespace selvhjelp::plugin;
using namespace selvhjelp::plugin::testing;

BOOST_AUTO_TEST_CASE(meetings_in_plain_words) {
  const selvhjelp::mappings::TextCatalog& t = ShippedTexts();
  BOOST_TEST(MeetingWords({"FREQ=WEEKLY;BYDAY=TU", "19:00", ""}, "nb", t) == "tirsdager 19:00");
  BOOST_TEST(MeetingWords({"FREQ=WEEKLY;BYDAY=MO,TH", "20:00", ""}, "nn", t) == "måndagar, torsdagar 20:00");
  BOOST_TEST(MeetingWords({"FREQ=MONTHLY;BYDAY=2TU", "18:00", ""}, "nb", t) == "andre tirsdag i måneden 18:00");
  BOOST_TEST(MeetingWords({"FREQ=MONTHLY;BYDAY=-1SU", "12:00", ""}, "en", t) == "last Sunday of the month 12:00");
  BOOST_TEST(MeetingWords({"FREQ=DAILY", "07:30", ""}, "en", t) == "07:30");            // not put in words
  BOOST_TEST(MeetingWords({"FREQ=WEEKLY;BYDAY=XX", "07:30", ""}, "en", t) == "07:30");  // nor nonsense
  Group online;
  online.format = Format::kDigital;
  online.address.city = "Bergen";
  BOOST_TEST(PlaceWords(online).empty());
  Group room;
  room.address.city = "Bergen";
  BOOST_TEST(PlaceWords(room) == "Bergen");
  room.address.line = "Kirkegata 3";
  BOOST_TEST(PlaceWords(room) == "Kirkegata 3, Bergen");
}
