#include "plugin/store/pg_store.h"

#include <openssl/rand.h>

#include <cstdio>

#include "fhir/base/status_macros.h"
#include "plugin/store/pg_jti_store.h"
#include "plugin/store/pg_ledger.h"
#include "plugin/store/pg_outbox.h"
#include "plugin/store/pg_schema.h"

namespace selvhjelp::plugin {
namespace {

// This process's name in the outbox's leases: random, so a restarted instance never mistakes
// its predecessor's leases for its own.
Result<std::string> NewLeaseOwner() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return InternalError("store: no randomness for the lease owner");
  char hex[25];
  for (int i = 0; i < 12; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return std::string(hex);
}

}  // namespace

Result<PgBackends> OpenPgBackends(const config::PostgresStoreConfig& config) {
  SELVHJELP_ASSIGN_OR_RETURN(std::shared_ptr<PgPool> pool, PgPool::Open(config));
  {
    SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool->Acquire());
    SELVHJELP_RETURN_IF_ERROR(MigrateSchema(*conn));
  }
  SELVHJELP_ASSIGN_OR_RETURN(std::string owner, NewLeaseOwner());
  PgBackends backends;
  backends.ledger = std::make_unique<PgLedgerBackend>(pool);
  backends.outbox = std::make_unique<PgOutboxBackend>(pool, owner, int64_t{config.lease_seconds} * 1000);
  backends.used_jtis = std::make_shared<PgJtiStore>(pool);
  return backends;
}

}  // namespace selvhjelp::plugin
