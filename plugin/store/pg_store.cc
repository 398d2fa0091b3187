#include "plugin/store/pg_store.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "fhir/base/status_macros.h"
#include "plugin/store/pg_app_sessions.h"
#include "plugin/store/pg_jti_store.h"
#include "plugin/store/pg_ledger.h"
#include "plugin/store/pg_outbox.h"
#include "plugin/store/pg_schema.h"

namespace selvhjelp::plugin {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// This process's name in the outbox's and the group sources' leases: random, so a restarted instance never mistakes
// its predecessor's leases for its own.
Result<std::string> NewLeaseOwner() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return InternalError("store: no randomness for the lease owner");
  char hex[25];
  for (int i = 0; i < 12; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return std::string(hex);
}

// Leases are written with this machine's clock and compared with the others': refuses to start
// when it is further than config::PostgresStoreConfig::kMaxClockSkewMs from the database's (so two instances differ by at most
// twice that, which config_loader's lease check leaves room for).
Status CheckClockSkew(PgConnection& conn) {
  const int64_t before = NowMs();
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn.Exec(
      "SELECT (EXTRACT(EPOCH FROM clock_timestamp())*1000)::bigint", {}, "cannot read the database's clock"));
  const int64_t after = NowMs();
  const int64_t skew = rows.Int(0, 0) - (before + after) / 2;
  if (std::llabs(skew) <= config::PostgresStoreConfig::kMaxClockSkewMs + (after - before) / 2) return OkStatus();
  return FailedPreconditionError("store: this machine's clock is " + std::to_string(skew) +
                                 " ms off the database server's; record leases need them within " +
                                 std::to_string(config::PostgresStoreConfig::kMaxClockSkewMs) + " ms (synchronise both with NTP)");
}

}  // namespace

Result<PgBackends> OpenPgBackends(const config::PostgresStoreConfig& config) {
  SELVHJELP_ASSIGN_OR_RETURN(std::shared_ptr<PgPool> pool, PgPool::Open(config));
  {
    SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool->Acquire());
    SELVHJELP_RETURN_IF_ERROR(MigrateSchema(*conn));
    SELVHJELP_RETURN_IF_ERROR(CheckClockSkew(*conn));
  }
  SELVHJELP_ASSIGN_OR_RETURN(std::string owner, NewLeaseOwner());
  PgBackends backends;
  backends.ledger = std::make_unique<PgLedgerBackend>(pool, owner, int64_t{config.lease_seconds});
  backends.outbox = std::make_unique<PgOutboxBackend>(pool, owner, int64_t{config.lease_seconds} * 1000);
  backends.used_jtis = std::make_shared<PgJtiStore>(pool);
  if (!config.session_key.empty()) backends.app_sessions = std::make_unique<PgSessionBackend>(pool, config.session_key);
  return backends;
}

}  // namespace selvhjelp::plugin
