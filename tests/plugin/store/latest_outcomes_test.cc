// Ledger::LatestOutcomes on the embedded SQLite store: exactly what the four reads give one by one
// (the PostgreSQL store runs the same scenario in pg_store_test.cc).
#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <filesystem>

#include "tests/plugin/store/latest_outcomes_check.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(latest_outcomes_at_once_are_the_four_reads_on_sqlite) {
  const fs::path dir = fs::temp_directory_path() / ("selvhjelp-latest-outcomes-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    auto ledger = Ledger::Open(dir / "store.db");
    BOOST_REQUIRE(ledger.ok());
    auto outbox = Outbox::Open(dir / "store.db", &(*ledger)->write_health());
    BOOST_REQUIRE(outbox.ok());
    testing::CheckLatestOutcomes(**ledger, **outbox);
  }
  fs::remove_all(dir);
}
