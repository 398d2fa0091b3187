// Issue 11 item 4: a token's jti stays used across a restart (the store reopened), until the
// token expires.
#include "plugin/store/jti_table.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <unistd.h>

#include "plugin/store/ledger.h"

using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(used_jtis_survive_a_restart_until_they_expire) {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-jti-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    auto ledger = Ledger::Open(dir / "store.db");  // the table lives beside the ledger's
    BOOST_REQUIRE(ledger.ok());
    auto table = JtiTable::Open(dir / "store.db");
    BOOST_REQUIRE(table.ok());
    BOOST_TEST(*(*table)->Claim("https://ehr", "j1", 1300, 1000) == true);
    BOOST_TEST(*(*table)->Claim("https://ehr", "j1", 1300, 1001) == false);
    BOOST_TEST(*(*table)->Claim("https://other", "j1", 1300, 1001) == true);  // per issuer
  }
  auto table = JtiTable::Open(dir / "store.db");  // a restart
  BOOST_REQUIRE(table.ok());
  BOOST_TEST(*(*table)->Claim("https://ehr", "j1", 1300, 1200) == false);
  BOOST_TEST(*(*table)->Claim("https://ehr", "j1", 1700, 1301) == true);  // expired: may be used again
  BOOST_TEST(*(*table)->Claim("https://ehr", "j1", 1700, 1302) == false);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(the_memory_store_refuses_replays_until_expiry) {
  auto store = MakeMemoryJtiStore();
  BOOST_TEST(*store->Claim("i", "j", 100, 10) == true);
  BOOST_TEST(*store->Claim("i", "j", 100, 50) == false);
  BOOST_TEST(*store->Claim("i", "j", 200, 101) == true);
}
