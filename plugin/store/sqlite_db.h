#pragma once
// Small SQLite helpers shared by the store's tables (ledger, outbox): opening a WAL connection,
// running a script, and a prepared-statement wrapper that binds, steps and resets.
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "fhir/base/result.h"

namespace selvhjelp::plugin {

// Binds and steps a prepared statement; resets it for reuse when it goes out of scope.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt), ok_(stmt != nullptr) {}
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return ok_; }
  Statement& Bind(int i, const std::string& s) {
    ok_ = ok_ && sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT) == SQLITE_OK;
    return *this;
  }
  Statement& Bind(int i, int64_t n) {
    ok_ = ok_ && sqlite3_bind_int64(stmt_, i, n) == SQLITE_OK;
    return *this;
  }
  int Step() { return ok_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

// Runs `sql` (one or more statements); on failure the status of WriteError.
Status Exec(sqlite3* db, const char* sql);

// The status for a statement on `db` that failed with result code `rc` while doing `what`:
// Unavailable "store: <what>: the disk is full; nothing was written" (or: the store is
// read-only, an I/O error, the store is locked) when the environment is at fault, so a caller can
// answer 503 and an operator sees why; Internal for anything else. Never holds data values.
Status WriteError(sqlite3* db, int rc, const std::string& what);

// Opens (creating) `file` in WAL mode with the given synchronous level ("FULL", "NORMAL") and a
// 5 s busy timeout.
Result<sqlite3*> OpenConnection(const std::filesystem::path& file, const char* synchronous);

// Prepared statements compiled once per (connection, SQL text) and reused. Thread-safe lookup;
// callers serialise use of each statement themselves.
class StatementCache {
 public:
  ~StatementCache();
  // nullptr when `sql` does not compile (the Statement then reports !ok()).
  sqlite3_stmt* Get(sqlite3* db, const char* sql);

 private:
  std::mutex mutex_;
  std::map<std::pair<sqlite3*, const char*>, sqlite3_stmt*> statements_;
};

}  // namespace selvhjelp::plugin
