#pragma once
// The factory that opens the store a config names: the embedded SQLite file at store.path (the
// default: one serving process per file), or the PostgreSQL database at store.url (shared by
// several instances: docs/store.md). Callers get the same classes whichever it is: the Ledger
// (cards, feedback, latest outcomes, subject-key salt, source snapshots), the Outbox (records,
// their facts, delivery claims) and the JtiStore (used tokens and DPoP proofs). The clinician
// app's sessions stay in each process's memory (plugin/app/app_sessions.h): with several
// instances, the load balancer keeps a clinician on one (docs/store.md).
#include <memory>

#include "config/service_config.h"
#include "fhir/base/result.h"
#include "plugin/auth/jti_store.h"
#include "plugin/store/ledger.h"
#include "plugin/store/outbox.h"

namespace selvhjelp::plugin {

struct Store {
  std::unique_ptr<Ledger> ledger;  // declared first: the outbox notes its writes in ledger->write_health()
  std::unique_ptr<Outbox> outbox;
  std::shared_ptr<JtiStore> used_jtis;
};

// Opens (creating; for PostgreSQL, migrating the schema under an advisory lock) the store of
// `config`, with its retention settings (store.cardRetentionDays, records.retentionDays).
// Unavailable when it cannot be reached or opened.
[[nodiscard]] Result<Store> OpenStore(const config::ServiceConfig& config);

// Only the outbox, for the command line (`outbox list|retry`, `records entered-in-error`).
[[nodiscard]] Result<std::unique_ptr<Outbox>> OpenOutbox(const config::ServiceConfig& config);

}  // namespace selvhjelp::plugin
