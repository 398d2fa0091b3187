#pragma once
// OutboxBackend: the seam between the outbox's logic (plugin/store/outbox.h: group commit, the
// idempotency decision, retention timing, write health) and the database that keeps its rows.
// Implementations: SqliteOutboxBackend (embedded, one serving process per file; claims held in
// memory) and PgOutboxBackend (PostgreSQL, several instances; claims are database leases).
// Every method is thread-safe; no method throws. Failures of the database are Unavailable (or
// Internal for SQL the database refused for another reason), with a message free of data values.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/store/ledger_types.h"
#include "plugin/store/record_facts.h"

namespace selvhjelp::plugin {

struct NewOutboxRecord {
  std::string record_id;
  std::string content_hash;  // of the record as the caller gave it: same id + same hash = the same record
  std::string bundle_json;   // the transaction to send
  std::string subject_key;   // Ledger::SubjectKey of the patient (never the id itself)
  std::string recipient;     // "patient" or "relatives"
  LocalOutcome outcome;      // what the record means for the next hook call
  int64_t created_ms = 0;
  RecordFacts facts;         // kept beside the transaction (its record_id, subject_key and recipient
                             // are taken from the fields above)
  bool deliver = true;  // false (records.writeBack none): committed as "stored", never sent
};

struct OutboxEntry {
  std::string record_id;
  std::string state;  // pending | delivered | parked | stored (kept here only: writeBack none)
  int64_t attempts = 0;
  int64_t created_ms = 0;
  int64_t next_attempt_ms = 0;  // pending: not before this
  int64_t delivered_ms = 0;
  std::string last_error;  // the latest failure (may hold the EHR's words: not for logs)
  std::string location;    // delivered: the record's Communication or DocumentReference at the EHR
  std::string subject_key;  // Ledger::SubjectKey of the record's patient (never the id itself)
};

struct OutboxCounts {
  int64_t pending = 0, delivered = 0, parked = 0;
  int64_t stored = 0;  // kept in the store only (records.writeBack none)
  int64_t oldest_pending_ms = 0;  // created_ms of the oldest pending record, 0 when none
  // How long the oldest pending record has waited at `now_ms` (0 when none is pending).
  int64_t OldestPendingSeconds(int64_t now_ms) const { return pending ? (now_ms - oldest_pending_ms) / 1000 : 0; }
};

// A record a delivery worker holds until it reports the outcome (or gives it back).
struct OutboxClaim {
  std::string record_id;
  std::string bundle_json;
  int64_t attempts = 0;
};

// A record's transaction and states, as MarkEnteredInError needs them.
struct CorrectionTarget {
  std::string bundle_json;  // the record's transaction
  std::string state;        // its outbox state
  std::string status;       // its facts' status: active | entered-in-error
};

// How a delivery ended, for OutboxBackend::Finish.
enum class DeliveryEnd {
  kDelivered,  // text: the location; number: when (ms)
  kRetry,      // text: the error; number: the next attempt (ms)
  kParked,     // text: the reason; number unused
};

// Suffix of a correction's outbox id: "<record_id>/entered-in-error".
inline constexpr const char* kCorrectionSuffix = "/entered-in-error";

class OutboxBackend {
 public:
  virtual ~OutboxBackend() = default;

  // Writes each record whose id is not stored yet (the row as pending, or stored when !deliver,
  // and its facts) in one transaction, durable when this returns. For each record, in order:
  // nullopt when it was written now, else the content hash already stored under its id (by an
  // earlier batch, another instance, or an earlier record of this batch). On failure nothing is
  // written.
  [[nodiscard]] virtual Result<std::vector<std::optional<std::string>>> InsertBatch(
      const std::vector<const NewOutboxRecord*>& records) = 0;

  // The sendable record due soonest (next_attempt_ms <= now_ms; a correction only after its
  // record is delivered) that nobody holds, now held by the caller until Finish or Release (or,
  // for a lease, until it expires). nullopt when none is due.
  [[nodiscard]] virtual Result<std::optional<OutboxClaim>> Claim(int64_t now_ms) = 0;
  // When the next sendable record not held by this process falls due (ms); nullopt when none.
  virtual std::optional<int64_t> NextDueMs() = 0;
  // Records how a held record's delivery ended and lets it go. Only the holder's outcome counts:
  // a record whose hold was taken over by another instance is left as that instance has it, and
  // FailedPrecondition says so (the outcome was dropped: count nothing).
  [[nodiscard]] virtual Status Finish(const std::string& record_id, DeliveryEnd end, const std::string& text,
                                      int64_t number) = 0;
  // Lets a held record go unchanged.
  virtual void Release(const std::string& record_id) = 0;

  [[nodiscard]] virtual Result<std::vector<OutboxEntry>> List(const std::string& state, int limit) = 0;
  [[nodiscard]] virtual Result<std::optional<OutboxEntry>> Get(const std::string& record_id) = 0;
  // Parked records (those named; all when empty) made pending and due now; how many changed.
  [[nodiscard]] virtual Result<int64_t> Retry(const std::vector<std::string>& record_ids) = 0;
  [[nodiscard]] virtual Result<OutboxCounts> Counts() = 0;
  // As Outbox::LatestOutcome; nullopt also when the store cannot be read.
  virtual std::optional<LocalOutcome> LatestOutcome(const std::string& subject_key, const std::string& recipient) = 0;
  [[nodiscard]] virtual Result<std::vector<StoredRecord>> Records(const std::string& subject_key) = 0;

  // The record `record_id` with its facts; nullopt when there is none.
  [[nodiscard]] virtual Result<std::optional<CorrectionTarget>> FindForCorrection(const std::string& record_id) = 0;
  // In one durable transaction: marks the record's facts entered-in-error (if still active) and
  // queues `bundle_json` as "<record_id>/entered-in-error" in `state`, waiting for the record.
  // False (nothing written) when the record was marked meanwhile.
  [[nodiscard]] virtual Result<bool> MarkAndQueueCorrection(const std::string& record_id, int64_t now_ms,
                                                            const std::string& bundle_json, const std::string& state) = 0;
  // Deletes delivered and stored records (and their facts, and corrections whose record is gone
  // with them) created before `before_ms`; how many rows went.
  [[nodiscard]] virtual Result<int64_t> PurgeDelivered(int64_t before_ms) = 0;
};

}  // namespace selvhjelp::plugin
