#include "plugin/store/ledger.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <unistd.h>

using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(feedback_is_idempotent_durable_and_flags_unknown_cards) {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-ledger-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string key;
  {
    auto ledger = Ledger::Open(dir / "store.db");
    BOOST_REQUIRE(ledger.ok());
    key = (*ledger)->SubjectKey("https://ehr", "p1");
    BOOST_TEST(key.size() == 64u);
    BOOST_TEST(key.find("p1") == std::string::npos);
    (*ledger)->QueueCards({{"card-1", "svc", key, "enc-1", "patient", 1000}});  // feedback drains the queue
    FeedbackEntry e{"card-1", "overridden", "", "declined", "2026-11-23T10:00:00Z", true};
    BOOST_TEST(*(*ledger)->RecordFeedback({e, e}, 2000) == 0);
    BOOST_TEST(*(*ledger)->RecordFeedback({e}, 2001) == 0);
    BOOST_REQUIRE((*ledger)->LatestOutcome(key, "patient").has_value());  // visible at once
    BOOST_TEST((*ledger)->LatestOutcome(key, "patient")->at == 2000);  // a repeat does not move it
    BOOST_TEST(*(*ledger)->CountFeedback() == 1);
    FeedbackEntry stranger{"card-unknown", "accepted", "s1", "", "2026-11-23T10:00:00Z", false};
    BOOST_TEST(*(*ledger)->RecordFeedback({stranger}, 2002) == 1);
  }
  auto reopened = Ledger::Open(dir / "store.db");
  BOOST_REQUIRE(reopened.ok());
  BOOST_TEST((*reopened)->SubjectKey("https://ehr", "p1") == key);  // the salt persists
  BOOST_TEST(*(*reopened)->CountFeedback() == 2);
  auto latest = (*reopened)->LatestOutcome(key, "patient");  // loaded from disk at Open
  BOOST_REQUIRE(latest.has_value());
  BOOST_TEST(latest->override_code == "declined");
  BOOST_TEST(!(*reopened)->LatestOutcome(key, "relatives").has_value());
  fs::remove_all(dir);
}
