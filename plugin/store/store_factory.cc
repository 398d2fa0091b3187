#include "plugin/store/store_factory.h"

#include "fhir/base/status_macros.h"
#include "plugin/store/jti_table.h"
#include "plugin/store/pg_store.h"

namespace selvhjelp::plugin {
namespace {

LedgerOptions LedgerOptionsOf(const config::ServiceConfig& config) {
  return LedgerOptions{int64_t{config.card_retention_days} * 24 * 3600};
}

OutboxOptions OutboxOptionsOf(const config::ServiceConfig& config) {
  return OutboxOptions{int64_t{config.records.retention_days} * 86400 * 1000};
}

}  // namespace

Result<Store> OpenStore(const config::ServiceConfig& config, StoreUse use) {
  Store store;
  if (!config.postgres.url.empty()) {
    SELVHJELP_ASSIGN_OR_RETURN(PgBackends backends, OpenPgBackends(config.postgres));
    SELVHJELP_ASSIGN_OR_RETURN(store.ledger, Ledger::Create(std::move(backends.ledger), LedgerOptionsOf(config)));
    SELVHJELP_ASSIGN_OR_RETURN(store.outbox, Outbox::Create(std::move(backends.outbox), &store.ledger->write_health(),
                                                            OutboxOptionsOf(config)));
    store.used_jtis = std::move(backends.used_jtis);
    store.app_sessions = std::move(backends.app_sessions);
    return store;
  }
  SELVHJELP_ASSIGN_OR_RETURN(store.ledger, Ledger::Open(config.store_path, LedgerOptionsOf(config)));
  // Used tokens and DPoP proofs are kept beside the store, so one used before a restart is refused.
  if (use == StoreUse::kServe) {
    SELVHJELP_ASSIGN_OR_RETURN(std::unique_ptr<JtiTable> used_jtis, JtiTable::Open(config.store_path));
    store.used_jtis = std::move(used_jtis);
  }
  store.app_sessions = MakeMemorySessionBackend();  // one serving process per file
  SELVHJELP_ASSIGN_OR_RETURN(store.outbox, Outbox::Open(config.store_path, &store.ledger->write_health(),
                                                        OutboxOptionsOf(config)));
  return store;
}

Result<std::unique_ptr<Outbox>> OpenOutbox(const config::ServiceConfig& config) {
  if (!config.postgres.url.empty()) {
    SELVHJELP_ASSIGN_OR_RETURN(PgBackends backends, OpenPgBackends(config.postgres));
    return Outbox::Create(std::move(backends.outbox));
  }
  return Outbox::Open(config.store_path);
}

}  // namespace selvhjelp::plugin
