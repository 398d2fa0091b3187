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

BOOST_AUTO_TEST_CASE(cards_older_than_the_retention_are_deleted_as_new_ones_are_written) {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-ledger-retention-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto ledger = Ledger::Open(dir / "store.db", LedgerOptions{7 * 24 * 3600});
  BOOST_REQUIRE(ledger.ok());
  const int64_t day = 24 * 3600;
  (*ledger)->QueueCards({{"old-card", "svc", "k", "", "patient", 100 * day}});
  (*ledger)->QueueCards({{"recent-card", "svc", "k", "", "patient", 105 * day}});
  BOOST_REQUIRE((*ledger)->FlushCards().ok());
  (*ledger)->QueueCards({{"new-card", "svc", "k", "", "patient", 108 * day}});  // old-card is 8 days old now
  BOOST_REQUIRE((*ledger)->FlushCards().ok());
  auto feedback = [&](const std::string& card) {
    return *(*ledger)->RecordFeedback({FeedbackEntry{card, "accepted", "s", "", "2026-11-23T10:00:00Z", false}}, 108 * day);
  };
  BOOST_TEST(feedback("old-card") == 1);     // deleted: its feedback is for an unknown card
  BOOST_TEST(feedback("recent-card") == 0);  // 3 days old: kept
  BOOST_TEST(feedback("new-card") == 0);
  fs::remove_all(dir);
}
