#pragma once
// SqliteOutboxBackend: the outbox's rows and the records' facts in the embedded SQLite store, in
// WAL mode with synchronous=FULL (durable at COMMIT). One serving process per file (the command
// line may open it beside the service): claims are held in this process's memory, so a record is
// never claimed twice here, and a crash frees them all.
// Thread-safe: one connection for writes and operators' reads, under one mutex; the hook's read
// (LatestOutcome) on a connection of its own under another, so it never waits for a commit's
// fsync (WAL: a reader sees the last commit and does not wait for the writer).
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>

#include "plugin/store/outbox_backend.h"
#include "plugin/store/sqlite_db.h"

namespace selvhjelp::plugin {

class SqliteOutboxBackend : public OutboxBackend {
 public:
  ~SqliteOutboxBackend() override;
  // Opens (creating) the file and its tables. Unavailable when it cannot be opened.
  static Result<std::unique_ptr<OutboxBackend>> Open(const std::filesystem::path& file);

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

 private:
  SqliteOutboxBackend() = default;
  // The batch's rows inside BEGIN IMMEDIATE ... COMMIT; a failure leaves the transaction to roll back.
  Status WriteBatchLocked(const std::vector<const NewOutboxRecord*>& records,
                          std::vector<std::optional<std::string>>& existing);
  Status InsertFactsLocked(const RecordFacts& facts);

  std::mutex mutex_;  // serialises use of db_ and its statements
  sqlite3* db_ = nullptr;
  std::mutex read_mutex_;  // serialises use of read_db_ and its statements; never held with mutex_
  sqlite3* read_db_ = nullptr;  // LatestOutcome only
  StatementCache statements_;
  std::set<std::string> held_;  // claimed by a worker of this process; guarded by mutex_
};

}  // namespace selvhjelp::plugin
