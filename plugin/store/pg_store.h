#pragma once
// The PostgreSQL store (store.url): one bounded connection pool per process, shared by the
// ledger's, the outbox's, the replay cache's and the app sessions' backends. Opening it connects, then brings the
// schema to the current version under an advisory lock (pg_schema.h), so instances starting
// together migrate once. libpq stays behind plugin/store/pg_*.cc. docs/store.md.
#include <memory>

#include "config/service_config.h"
#include "fhir/base/result.h"
#include "plugin/app/session_backend.h"
#include "plugin/auth/jti_store.h"
#include "plugin/store/ledger_backend.h"
#include "plugin/store/outbox_backend.h"

namespace selvhjelp::plugin {

struct PgBackends {
  std::unique_ptr<LedgerBackend> ledger;
  std::unique_ptr<OutboxBackend> outbox;
  std::shared_ptr<JtiStore> used_jtis;
  std::unique_ptr<SessionBackend> app_sessions;  // null without config.session_key
};

// Unavailable (naming the server, never the password) when the database cannot be reached or
// migrated within config.timeout_seconds; FailedPrecondition when this machine's clock is further
// than PostgresStoreConfig::kMaxClockSkewMs from the database server's.
[[nodiscard]] Result<PgBackends> OpenPgBackends(const config::PostgresStoreConfig& config);

}  // namespace selvhjelp::plugin
