#pragma once
// Outbox: records of information given, committed durably before the caller is answered, then
// delivered to the EHR by RecordDelivery. A record is pending until the EHR confirms it
// (delivered) or refuses it for good (parked, with the reason; an operator can retry it). Nothing
// is deleted but by retention (PurgeDelivered). Concurrent Enqueue calls share one transaction
// and one commit (group commit), so many clients commit faster than one.
// The rows live in an OutboxBackend (outbox_backend.h): SQLite by default (the command line may
// open the same file while the service runs; its changes are seen within a poll interval), or
// PostgreSQL shared by several instances (store_factory.h), where a claim is a database lease.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/store/ledger.h"
#include "plugin/store/outbox_backend.h"
#include "plugin/store/record_facts.h"
#include "plugin/store/write_health.h"

namespace selvhjelp::plugin {

struct OutboxOptions {
  // Retention (records.retentionDays): delivered and stored (never sent) records created longer
  // ago than this are deleted, with their corrections, at Open and then at most once an hour as
  // records are committed or delivered; 0 keeps them.
  int64_t retention_ms = 0;
};

class Outbox {
 public:
  ~Outbox();
  // Opens (creating) the SQLite file. `health` (may be null; must outlive this) is told the
  // outcome of every write, for readiness.
  static Result<std::unique_ptr<Outbox>> Open(const std::filesystem::path& file, WriteHealth* health = nullptr,
                                              OutboxOptions options = {});
  // The outbox over `backend` (a store opened by store_factory.h); `health` as for Open.
  static Result<std::unique_ptr<Outbox>> Create(std::unique_ptr<OutboxBackend> backend, WriteHealth* health = nullptr,
                                                OutboxOptions options = {});

  enum class Enqueued { kNew, kAlreadyStored };
  // Commits the record durably, returning only after its commit. The same id with the same
  // content hash is kAlreadyStored (a retry by the caller); with different content,
  // AlreadyExists. Records enqueued while a commit runs are committed together afterwards, in
  // the order they came (so of two with the same id in one batch, the second is answered as a
  // retry or a conflict); when that commit fails, every record of it fails with the same status
  // (Unavailable when the disk is full, read-only or locked, or the database unreachable) and
  // none is stored. A record holding a NUL character in a text value is InvalidArgument on its own
  // and joins no batch.
  Result<Enqueued> Enqueue(const NewOutboxRecord& record);

  using Claimed = OutboxClaim;
  // The pending record due soonest (next_attempt_ms <= now_ms) that no worker holds, now held by
  // the caller until MarkDelivered/MarkRetry/MarkParked (with PostgreSQL: a lease, taken over by
  // another instance once it expires). nullopt when none is due.
  Result<std::optional<Claimed>> ClaimDue(int64_t now_ms);
  // When the next pending record not held falls due (ms), or nullopt when none is pending.
  std::optional<int64_t> NextDueMs();

  // The outcome of a held record's delivery; only the holder's counts (a record whose lease was
  // taken over is left to the instance that holds it now, and FailedPrecondition says so).
  Status MarkDelivered(const std::string& record_id, const std::string& location, int64_t now_ms);
  Status MarkRetry(const std::string& record_id, int64_t next_attempt_ms, const std::string& error);
  Status MarkParked(const std::string& record_id, const std::string& reason);
  // Gives a claimed record back unchanged (its attempt was cut off by shutdown, not answered): it
  // stays pending and due as before, with no attempt counted.
  void Release(const std::string& record_id);

  // Operators: entries in `state` ("" for all), newest first, at most `limit`.
  Result<std::vector<OutboxEntry>> List(const std::string& state, int limit);
  Result<std::optional<OutboxEntry>> Get(const std::string& record_id);
  // Makes parked records pending again, due now (all parked when `record_ids` is empty).
  // Returns how many changed.
  Result<int64_t> Retry(const std::vector<std::string>& record_ids);
  Result<OutboxCounts> Counts();
  // Transactions Enqueue has committed (or tried) since open: fewer than records under concurrent
  // load is group commit at work.
  int64_t batches_committed() const { return batches_committed_.load(std::memory_order_relaxed); }

  // The latest record for this patient (subject key) and recipient kind, read from the store (an
  // indexed query, so changes made by another process count at once). Records marked
  // entered-in-error do not count. nullopt also when the store cannot be read (readiness says so).
  std::optional<LocalOutcome> LatestOutcome(const std::string& subject_key, const std::string& recipient) const;

  // The backend, for a read that joins the ledger's in one statement (Ledger::LatestOutcomes).
  const OutboxBackend& backend() const { return *backend_; }

  // Our store as the system of record: the records of a patient (subject key; "" for every
  // patient's), oldest first, entered-in-error ones included with that status.
  Result<std::vector<StoredRecord>> Records(const std::string& subject_key) const;

  enum class Marked { kMarked, kAlreadyMarked };
  // Marks record `record_id` entered-in-error and, in the same transaction, queues the delivery
  // that corrects the EHR's copy: `correction` is given the record's original transaction and
  // returns the transaction to send (its outbox id is "<record_id>/entered-in-error"; it is not
  // sent before the original is delivered). Committed durably before this returns. NotFound when
  // there is no such record; the correction's error when it cannot be built (nothing changes).
  Result<Marked> MarkEnteredInError(const std::string& record_id, int64_t now_ms,
                                    const std::function<Result<std::string>(const std::string&)>& correction);

  // Retention: deletes delivered records (and their facts) created before `before_ms`; pending and
  // parked ones are kept whatever their age. Returns how many were deleted.
  Result<int64_t> PurgeDelivered(int64_t before_ms);

 private:
  Outbox() = default;
  struct Waiter;  // an Enqueue call waiting for the commit of its record
  // Writes `batch` in one transaction and sets each waiter's result (the batch's failure for
  // every one when it failed).
  void CommitBatch(const std::vector<Waiter*>& batch);
  Status Finish(const std::string& record_id, DeliveryEnd end, const std::string& text, int64_t number);
  // Retention: deletes what PurgeDelivered would when the last purge is an hour old.
  void PurgeIfDue(int64_t now_ms);
  void NoteWrite(const Status& write) {
    if (health_ != nullptr) health_->Note(write);
  }

  std::unique_ptr<OutboxBackend> backend_;
  WriteHealth* health_ = nullptr;
  OutboxOptions options_;
  std::mutex purge_mutex_;
  int64_t last_purge_ms_ = 0;  // guarded by purge_mutex_
  std::mutex queue_mutex_;      // guards queue_, committing_ and each queued Waiter's `done`
  std::condition_variable committed_;  // a batch has been committed (or has failed)
  std::condition_variable arrived_;    // a record was queued while committing_
  std::atomic<int64_t> batches_committed_{0};
  size_t last_batch_ = 0;              // records in the latest batch
  std::chrono::steady_clock::duration last_commit_{};  // how long it took (at most 10 ms)
  std::vector<Waiter*> queue_;  // waiting for the next commit, in arrival order
  bool committing_ = false;     // an Enqueue caller is committing a batch
};

}  // namespace selvhjelp::plugin
