#pragma once
// The used request tokens (JtiStore) in the service's SQLite store, table used_jtis, so that a
// token used before a restart is refused after it. Each use is committed before Claim returns
// (WAL, synchronous=NORMAL: it survives the process, as a restart needs; an OS crash may lose the
// last uses, within their few minutes of validity). Expired rows are deleted as it goes.
// Thread-safe.
#include <filesystem>
#include <memory>
#include <mutex>

#include "fhir/base/result.h"
#include "plugin/auth/jti_store.h"
#include "plugin/store/sqlite_db.h"

namespace selvhjelp::plugin {

class JtiTable : public JtiStore {
 public:
  ~JtiTable() override;
  // Opens (creating the table in) the store file. Unavailable when it cannot be opened.
  static Result<std::unique_ptr<JtiTable>> Open(const std::filesystem::path& file);

  Result<bool> Claim(std::string_view iss, std::string_view jti, int64_t expires_at, int64_t now) override;

 private:
  JtiTable() = default;
  std::mutex mutex_;  // one connection, used by one thread at a time
  sqlite3* db_ = nullptr;
  StatementCache statements_;
  int64_t next_purge_ = 0;
};

}  // namespace selvhjelp::plugin
