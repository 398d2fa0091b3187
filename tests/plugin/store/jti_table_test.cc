// Issue 11 item 4: a token's jti stays used across a restart (the store reopened), until the
// token expires.
#include "plugin/store/jti_table.h"

#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <unistd.h>

#include "plugin/store/ledger.h"
#include "plugin/store/store_factory.h"

using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(used_jtis_survive_a_restart_until_they_expire) {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-jti-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    auto ledger = Ledger::Open(dir / "store.db");  // the used tokens live beside the ledger's file
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

BOOST_AUTO_TEST_CASE(uses_kept_in_the_store_by_an_older_version_move_to_the_used_token_file) {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-jti-move-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path store = dir / "store.db";
  auto sql = [&store](const char* statement) {  // what the older version left in the store
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open(store.c_str(), &db) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, statement, nullptr, nullptr, &error);
    BOOST_TEST(rc == SQLITE_OK, (error ? error : ""));
    sqlite3_free(error);
    sqlite3_close(db);
  };
  {
    // A key in the used-token file already (a downgrade and a second upgrade): the later expiry wins.
    auto table = JtiTable::Open(store);
    BOOST_REQUIRE(table.ok());
    BOOST_TEST(*(*table)->Claim("https://ehr", "j-both", 1100, 1000) == true);
  }
  sql("CREATE TABLE used_jtis(key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;"
      "INSERT INTO used_jtis VALUES('https://ehr j-before', 1300), ('https://ehr j-both', 1300)");
  {
    auto ledger = Ledger::Open(store);  // as the service opens them: the ledger's connections first
    BOOST_REQUIRE(ledger.ok());
    auto table = JtiTable::Open(store);
    BOOST_REQUIRE_MESSAGE(table.ok(), table.status().message());
    BOOST_TEST(*(*table)->Claim("https://ehr", "j-before", 1300, 1000) == false);  // used before the upgrade
    BOOST_TEST(*(*table)->Claim("https://ehr", "j-both", 1300, 1200) == false);    // 1300, not 1100
    BOOST_TEST(*(*table)->Claim("https://ehr", "j-after", 1300, 1000) == true);
  }
  BOOST_TEST(fs::exists(UsedTokensFile(store)));
  // The store's table is gone (CREATE succeeds again), and a second start moves nothing back.
  sql("CREATE TABLE used_jtis(key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID; DROP TABLE used_jtis");
  auto again = JtiTable::Open(store);
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(*(*again)->Claim("https://ehr", "j-after", 1300, 1001) == false);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_store_opened_to_read_records_creates_no_used_token_file) {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-jti-read-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  selvhjelp::config::ServiceConfig config;
  config.store_path = dir / "store.db";
  {
    auto reading = OpenStore(config, StoreUse::kReadRecords);  // selvhjelp audit --store
    BOOST_REQUIRE_MESSAGE(reading.ok(), reading.status().message());
    BOOST_TEST(!reading->used_jtis);
  }
  BOOST_TEST(!fs::exists(UsedTokensFile(config.store_path)));
  {
    auto serving = OpenStore(config);
    BOOST_REQUIRE(serving.ok());
    BOOST_TEST(*serving->used_jtis->Claim("https://ehr", "j1", 1300, 1000) == true);
  }
  BOOST_TEST(fs::exists(UsedTokensFile(config.store_path)));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(the_memory_store_refuses_replays_until_expiry) {
  auto store = MakeMemoryJtiStore();
  BOOST_TEST(*store->Claim("i", "j", 100, 10) == true);
  BOOST_TEST(*store->Claim("i", "j", 100, 50) == false);
  BOOST_TEST(*store->Claim("i", "j", 200, 101) == true);
}
