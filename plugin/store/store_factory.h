#pragma once
// The factory that opens the store a config names: the embedded SQLite file at store.path (the
// default: one serving process per file), or the PostgreSQL database at store.url (shared by
// several instances: docs/store.md). Callers get the same classes whichever it is: the Ledger
// (cards, feedback, latest outcomes, subject-key salt, source snapshots), the Outbox (records,
// their facts, delivery claims), the JtiStore (used tokens and DPoP proofs) and the clinician
// app's SessionBackend: in this process's memory with SQLite (one serving process), in the
// database, encrypted with store.sessionKey, with PostgreSQL, so a clinician's requests may land
// on any instance (plugin/store/pg_app_sessions.h, docs/store.md).
#include <memory>

#include "config/service_config.h"
#include "fhir/base/result.h"
#include "plugin/app/session_backend.h"
#include "plugin/auth/jti_store.h"
#include "plugin/store/ledger.h"
#include "plugin/store/outbox.h"

namespace selvhjelp::plugin {

struct Store {
  std::unique_ptr<Ledger> ledger;  // declared first: the outbox notes its writes in ledger->write_health()
  std::unique_ptr<Outbox> outbox;
  std::shared_ptr<JtiStore> used_jtis;
  // Null with store.url and no store.sessionKey (the config requires one when the app is on).
  std::unique_ptr<SessionBackend> app_sessions;
};

// Who opens the store: the serving process (everything), or the command line reading records
// (`audit --store`: with SQLite no used-token file is created beside a store it only reads, and
// Store::used_jtis is null).
enum class StoreUse { kServe, kReadRecords };

// Opens (creating; for PostgreSQL, migrating the schema under an advisory lock) the store of
// `config`, with its retention settings (store.cardRetentionDays, records.retentionDays).
// Unavailable when it cannot be reached or opened.
[[nodiscard]] Result<Store> OpenStore(const config::ServiceConfig& config, StoreUse use = StoreUse::kServe);

// Only the outbox, for the command line (`outbox list|retry`, `records entered-in-error`).
[[nodiscard]] Result<std::unique_ptr<Outbox>> OpenOutbox(const config::ServiceConfig& config);

}  // namespace selvhjelp::plugin
