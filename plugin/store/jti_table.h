#pragma once
// The used request tokens (JtiStore) of the service's SQLite store, so that a token used before a
// restart is refused after it: table used_jtis in a file of their own beside the store's
// (UsedTokensFile), so that a claim, a write on every request with a token, never waits for the
// store's write lock, which a record's commit holds through its fsync. Each use is committed
// before Claim returns (WAL, synchronous=NORMAL: it survives the process, as a restart needs; an
// OS crash may lose the last uses, within their few minutes of validity). Expired rows are
// deleted as it goes. Thread-safe.
#include <filesystem>
#include <memory>
#include <mutex>

#include "fhir/base/result.h"
#include "plugin/auth/jti_store.h"
#include "plugin/store/sqlite_db.h"

namespace selvhjelp::plugin {

// The used-token file of the store `store_file`: "<store_file>-used-tokens". It holds nothing to
// back up (a token is valid for minutes); with SQLite's -wal and -shm beside it.
std::filesystem::path UsedTokensFile(const std::filesystem::path& store_file);

class JtiTable : public JtiStore {
 public:
  ~JtiTable() override;
  // Opens (creating it) the used-token file of the store `store_file`. Uses a store of an older
  // version kept in its own used_jtis table are moved to it (and the table dropped). Unavailable
  // when either cannot be opened or written.
  static Result<std::unique_ptr<JtiTable>> Open(const std::filesystem::path& store_file);

  Result<bool> Claim(std::string_view iss, std::string_view jti, int64_t expires_at, int64_t now) override;

 private:
  JtiTable() = default;
  std::mutex mutex_;  // one connection, used by one thread at a time
  sqlite3* db_ = nullptr;
  StatementCache statements_;
  int64_t next_purge_ = 0;
};

}  // namespace selvhjelp::plugin
