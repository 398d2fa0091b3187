// A write that fails because of the machine (a full disk, a read-only file) is Unavailable with
// the reason, so POST /records answers 503 saying the store is full; anything else is Internal.
#include "plugin/store/sqlite_db.h"

#include <boost/test/unit_test.hpp>

using namespace selvhjelp;
using namespace selvhjelp::plugin;

BOOST_AUTO_TEST_CASE(a_full_disk_is_unavailable_and_says_so) {
  // A real SQLITE_FULL: an in-memory database that may not grow past its first pages.
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  BOOST_REQUIRE(Exec(db, "CREATE TABLE t(x TEXT); PRAGMA max_page_count=3;").ok());
  Status full = Exec(db, "INSERT INTO t VALUES(randomblob(100000))");
  BOOST_TEST(static_cast<int>(full.code()) == static_cast<int>(StatusCode::kUnavailable));
  BOOST_TEST(full.message().find("the disk is full; nothing was written") != std::string::npos, full.message());
  Status typo = Exec(db, "INSERT INTO no_such_table VALUES(1)");
  BOOST_TEST(static_cast<int>(typo.code()) == static_cast<int>(StatusCode::kInternal));
  sqlite3_close(db);
}

BOOST_AUTO_TEST_CASE(environment_faults_by_result_code) {
  BOOST_TEST(WriteError(nullptr, SQLITE_READONLY, "cannot write the record").message() ==
             "store: cannot write the record: the store is read-only; nothing was written");
  BOOST_TEST(WriteError(nullptr, SQLITE_IOERR_WRITE, "x").message() == "store: x: an I/O error; nothing was written");
  BOOST_TEST(static_cast<int>(WriteError(nullptr, SQLITE_BUSY, "x").code()) == static_cast<int>(StatusCode::kUnavailable));
  BOOST_TEST(static_cast<int>(WriteError(nullptr, SQLITE_CONSTRAINT, "x").code()) == static_cast<int>(StatusCode::kInternal));
}
