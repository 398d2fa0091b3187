#pragma once
// PgLedgerBackend: the ledger's rows in PostgreSQL, shared by several instances: cards (written
// with synchronous_commit=off, as a lost card row only loses a flag), feedback and latest
// outcomes (synchronous_commit=on), the subject-key salt (the first instance's, for all), source
// snapshots and the write probe. shared() is true: the ledger reads outcomes from here. A group
// source read is claimed as a lease on its row in source_refresh (lease_owner, lease_until), so
// one instance reads it per interval and a dead reader's claim expires (docs/store.md).
// Thread-safe (each call takes a connection from the pool).
#include <memory>
#include <string>

#include "plugin/store/ledger_backend.h"
#include "plugin/store/pg_db.h"

namespace selvhjelp::plugin {

class PgLedgerBackend : public LedgerBackend {
 public:
  // `owner` names this process in source read claims; `lease_seconds`: how long a claim holds.
  PgLedgerBackend(std::shared_ptr<PgPool> pool, std::string owner, int64_t lease_seconds)
      : pool_(std::move(pool)), owner_(std::move(owner)), lease_seconds_(lease_seconds) {}

  bool shared() const override { return true; }
  Result<std::string> Salt(const std::string& fresh) override;
  Result<std::vector<std::pair<std::string, LocalOutcome>>> LoadOutcomes() override;
  std::optional<LocalOutcome> ReadOutcome(const std::string& subject_key, const std::string& recipient) override;
  // One prepared statement over both tables when `records` is a PgOutboxBackend on this pool.
  std::optional<std::vector<std::optional<LocalOutcome>>> ReadLatestOutcomes(
      const std::string& subject_key, const std::vector<std::string>& recipients,
      const OutboxBackend* records) override;
  Status WriteCards(const std::vector<CardIssued>& cards) override;
  Status PurgeCards(int64_t issued_before) override;
  Result<FeedbackWritten> WriteFeedback(const std::vector<FeedbackEntry>& entries, int64_t received_at) override;
  Result<int64_t> CountFeedback() override;
  Status SaveSnapshot(const std::string& source, const std::string& groups_json, int64_t saved_at) override;
  Result<std::optional<SourceSnapshot>> LoadSnapshot(const std::string& source) override;
  Result<SourceReadClaim> ClaimSourceRead(const std::string& source, int64_t now) override;
  Result<int64_t> FinishSourceRead(const std::string& source, const SourceReadReport& report) override;
  Status Probe(int64_t now_ms) override;

 private:
  std::shared_ptr<PgPool> pool_;
  const std::string owner_;
  const int64_t lease_seconds_;
};

}  // namespace selvhjelp::plugin
