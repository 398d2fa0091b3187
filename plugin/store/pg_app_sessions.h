#pragma once
// PgSessionBackend: the clinician app's sessions (SessionBackend) in PostgreSQL, table
// app_sessions, shared by every instance on the database: a session started on one is used, and
// ended, on any. A reader of the database (or of a backup) finds in it neither the cookie value
// nor the EHR's token: a row is keyed by the SHA-256 of the cookie value and holds the session
// sealed with AES-256-GCM under store.sessionKey (plugin/app/sealed_session.h). A row that does
// not open with this process's key (another key after a rotation, or changed) is no session.
// Ended sessions are deleted when a session is added, the least recently used beyond the bound
// too. Renewals (Touch) are one UPDATE; AppSessions makes them at most once a minute per session.
// Thread-safe.
#include <memory>
#include <string>

#include "plugin/app/session_backend.h"
#include "plugin/store/pg_db.h"

namespace selvhjelp::plugin {

class PgSessionBackend : public SessionBackend {
 public:
  // `key`: 32 bytes (config::PostgresStoreConfig::session_key).
  PgSessionBackend(std::shared_ptr<PgPool> pool, std::string key) : pool_(std::move(pool)), key_(std::move(key)) {}

  Status Add(const AppSession& session, const AppSessionSettings& settings, int64_t now) override;
  Result<std::optional<AppSession>> Get(std::string_view id) override;
  Status Touch(std::string_view id, int64_t now) override;
  Status Remove(std::string_view id) override;
  Result<size_t> Count() override;

 private:
  std::shared_ptr<PgPool> pool_;
  const std::string key_;
};

}  // namespace selvhjelp::plugin
