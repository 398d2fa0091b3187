#include "plugin/store/sqlite_db.h"

namespace selvhjelp::plugin {

Status Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : "unknown";
    sqlite3_free(error);
    return WriteError(db, rc, message);
  }
  return OkStatus();
}

Status WriteError(sqlite3* db, int rc, const std::string& what) {
  const char* environment = nullptr;
  switch (rc & 0xff) {  // the primary code of an extended one
    case SQLITE_FULL: environment = "the disk is full"; break;
    case SQLITE_READONLY: environment = "the store is read-only"; break;
    case SQLITE_IOERR: environment = "an I/O error"; break;
    case SQLITE_CANTOPEN: environment = "the store file cannot be opened"; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: environment = "the store is locked by another process"; break;
    default: break;
  }
  if (environment) return UnavailableError("store: " + what + ": " + environment + "; nothing was written");
  return InternalError("store: " + what + ": " + std::string(db ? sqlite3_errstr(rc) : "unknown error"));
}

Result<sqlite3*> OpenConnection(const std::filesystem::path& file, const char* synchronous) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return UnavailableError("store: cannot open " + file.string());
  }
  sqlite3_busy_timeout(db, 5000);
  std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") + synchronous + ";";
  Status s = Exec(db, pragmas.c_str());
  if (!s.ok()) {
    sqlite3_close(db);
    return s;
  }
  return db;
}

StatementCache::~StatementCache() {
  for (auto& [key, stmt] : statements_) sqlite3_finalize(stmt);
}

sqlite3_stmt* StatementCache::Get(sqlite3* db, const char* sql) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = statements_.try_emplace({db, sql}, nullptr);
  if (inserted && sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &it->second, nullptr) != SQLITE_OK) {
    sqlite3_finalize(it->second);
    statements_.erase(it);
    return nullptr;
  }
  return it->second;
}

}  // namespace selvhjelp::plugin
