#pragma once
// PgOutboxBackend: the outbox's rows and the records' facts in PostgreSQL, shared by several
// instances. A claim is a database lease: the due record is picked with FOR UPDATE SKIP LOCKED
// (two instances never pick the same one) and given lease_owner (this process) and lease_until;
// a record whose holder died is taken by another instance once its lease has expired. Only the
// holder's outcome is written (a lease taken over makes the old holder's outcome a no-op).
// Batches commit with synchronous_commit=on: durable when InsertBatch returns.
// Thread-safe (each call takes a connection from the pool).
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "plugin/store/outbox_backend.h"
#include "plugin/store/pg_db.h"

// The latest record that counts for patient $1 and the recipient `recipient` (an SQL expression):
// its outcome, override_code, encounter_id and outcome_at, or no row. Corrections carry no
// outcome; records marked entered-in-error do not count. For PgOutboxBackend::LatestOutcome and
// the ledger's read of both tables at once (PgLedgerBackend::ReadLatestOutcomes).
#define SELVHJELP_PG_LATEST_RECORD(recipient)                                                                    \
  "SELECT o.outcome, o.override_code, o.encounter_id, o.outcome_at FROM outbox o WHERE o.subject_key=$1 "       \
  "AND o.recipient=" recipient " AND o.corrects='' AND NOT EXISTS(SELECT 1 FROM record_facts f "                \
  "WHERE f.record_id=o.record_id AND f.status='entered-in-error') ORDER BY o.outcome_at DESC, o.seq DESC LIMIT 1"

namespace selvhjelp::plugin {

class PgOutboxBackend : public OutboxBackend {
 public:
  // `owner` names this process in leases; `lease_ms`: how long a claim holds.
  PgOutboxBackend(std::shared_ptr<PgPool> pool, std::string owner, int64_t lease_ms)
      : pool_(std::move(pool)), owner_(std::move(owner)), lease_ms_(lease_ms) {}

  Result<std::vector<std::optional<std::string>>> InsertBatch(const std::vector<const NewOutboxRecord*>& records) override;
  Result<std::optional<OutboxClaim>> Claim(int64_t now_ms) override;
  std::optional<int64_t> NextDueMs() override;
  Status Finish(const std::string& record_id, DeliveryEnd end, const std::string& text, int64_t number) override;
  void Release(const std::string& record_id) override;
  Result<std::vector<OutboxEntry>> List(const std::string& state, int limit) override;
  Result<std::optional<OutboxEntry>> Get(const std::string& record_id) override;
  Result<int64_t> Retry(const std::vector<std::string>& record_ids) override;
  Result<OutboxCounts> Counts() override;
  std::optional<LocalOutcome> LatestOutcome(const std::string& subject_key, const std::string& recipient) override;
  Result<std::vector<StoredRecord>> Records(const std::string& subject_key) override;
  Result<std::optional<CorrectionTarget>> FindForCorrection(const std::string& record_id) override;
  Result<bool> MarkAndQueueCorrection(const std::string& record_id, int64_t now_ms, const std::string& bundle_json,
                                      const std::string& state) override;
  Result<int64_t> PurgeDelivered(int64_t before_ms) override;

  // True when this backend's rows are in the database of `pool` (so one statement can read them
  // with the ledger's).
  bool Uses(const PgPool& pool) const { return pool_.get() == &pool; }

 private:
  void Forget(const std::string& record_id);  // no longer held by a worker here

  std::shared_ptr<PgPool> pool_;
  const std::string owner_;
  const int64_t lease_ms_;
  std::mutex held_mutex_;
  std::set<std::string> held_;  // claimed by a worker of this process and not yet finished or released
};

}  // namespace selvhjelp::plugin
