#pragma once
// Ledger: the local embedded store (SQLite) of cards shown and feedback received.
// Feedback is committed with synchronous=FULL before the HTTP answer, so nothing accepted is
// lost on a crash or restart. Cards are written by a background thread in batches (within
// kCardFlushInterval), off the hook's hot path; feedback first writes any queued cards, so it
// always finds them. Patients are stored only as a salted SHA-256 key, never by id.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <thread>
#include <unordered_map>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/store/sqlite_db.h"
#include "plugin/store/write_health.h"

namespace selvhjelp::plugin {

struct CardIssued {
  std::string card_uuid;
  std::string service_id;
  std::string subject_key;  // SubjectKey(fhirServer, patientId)
  std::string encounter_id;
  std::string recipient;  // "patient" or "relatives"
  int64_t issued_at = 0;  // seconds since the epoch
};

struct FeedbackEntry {
  std::string card_uuid;
  std::string outcome;  // accepted | overridden
  std::string accepted_suggestions;  // suggestion uuids, comma-separated, sorted
  std::string override_code;         // our override-reason code, or empty
  std::string outcome_timestamp;     // as sent (RFC 3339)
  bool has_user_comment = false;     // the comment itself is never stored (it may hold PHI)
};

// What the store knows about the latest outcome for one patient and recipient kind.
struct LocalOutcome {
  std::string outcome;        // accepted | overridden
  std::string override_code;  // when overridden
  std::string encounter_id;
  int64_t at = 0;             // when we received it (seconds since the epoch)
};

struct LedgerOptions {
  // Cards are kept this long after they were shown (feedback for an older card is stored and
  // flagged as for an unknown card); older rows are deleted as new cards are written, at most
  // once an hour. The table would otherwise grow with every hook call.
  int64_t card_retention_seconds = 90 * 24 * 3600;
};

class Ledger {
 public:
  ~Ledger();
  // Opens or creates the database file (and its folder). Unavailable when it cannot be opened.
  static Result<std::unique_ptr<Ledger>> Open(const std::filesystem::path& file, LedgerOptions options = {});

  // Queues the cards of one hook answer for the background writer; returns at once.
  void QueueCards(std::vector<CardIssued> cards);
  // Writes queued cards now (tests; shutdown does it too).
  Status FlushCards();
  // Background writes that failed since Open (their cards are kept queued and retried).
  int64_t card_write_failures() const { return card_write_failures_.load(); }
  // Stores each entry once: the same (card, outcome, suggestions, timestamp) again is a no-op.
  // All entries are committed in one transaction, durably, before this returns.
  // Returns how many entries named a card this store did not issue (kept, and flagged).
  Result<int> RecordFeedback(const std::vector<FeedbackEntry>& entries, int64_t received_at);
  // The latest feedback for cards shown for this patient to `recipient`, if any. Served from
  // memory (loaded at Open, updated by RecordFeedback): one process owns a store file.
  std::optional<LocalOutcome> LatestOutcome(const std::string& subject_key,
                                            const std::string& recipient) const;
  Result<int64_t> CountFeedback();

  // The last good content of a group source, kept so a restart while the source is down still
  // has it. Saving replaces the previous snapshot of that source.
  struct Snapshot {
    int64_t saved_at = 0;
    std::string groups_json;
  };
  Status SaveSnapshot(const std::string& source, const std::string& groups_json, int64_t saved_at);
  Result<std::optional<Snapshot>> LoadSnapshot(const std::string& source);

  // A stable, non-reversible key for (fhirServer, patientId): hex SHA-256 over a per-store salt.
  // A trailing "/" on the server does not change the key.
  std::string SubjectKey(const std::string& fhir_server, const std::string& patient_id) const;

  // Readiness: OK when the store can write, else why not (Unavailable: "store: write probe: the
  // disk is full..."). From the latest write of the ledger or the outbox (when it was opened with
  // write_health()); a probe write (one row, synchronous=FULL) when that is more than 10 s old,
  // or more than 1 s old and failed, so a recovered store is ready again within a second.
  Status Readiness();
  // Where the outbox notes its writes (Outbox::Open), so readiness sees them too.
  WriteHealth& write_health() { return write_health_; }

  static constexpr std::chrono::milliseconds kCardFlushInterval{20};

 private:
  Ledger() = default;
  void CardWriterLoop();
  // Writes `cards` in one transaction. Caller holds mutex_.
  Status WriteCardsLocked(const std::vector<CardIssued>& cards);
  // Moves the queue into a local vector and writes it; on failure puts it back. Holds mutex_.
  Status DrainQueueLocked();
  Result<int> RecordFeedbackLocked(const std::vector<FeedbackEntry>& entries, int64_t received_at);
  Status ProbeLocked();  // writes the probe row; caller holds mutex_ (or is Open)

  std::mutex queue_mutex_;  // guards queue_ and stopping_; never held while taking mutex_
  std::condition_variable queue_changed_;
  std::vector<CardIssued> queue_;
  bool stopping_ = false;
  std::atomic<int64_t> card_write_failures_{0};
  WriteHealth write_health_;
  std::thread writer_;
  // A prepared statement for `sql` on `db`, compiled once and reused under mutex_.
  sqlite3_stmt* Prepared(sqlite3* db, const char* sql);
  std::mutex mutex_;
  StatementCache statements_;
  sqlite3* cards_db_ = nullptr;     // synchronous=NORMAL: a lost card row only loses a flag
  sqlite3* feedback_db_ = nullptr;  // synchronous=FULL: accepted feedback is never lost
  LedgerOptions options_;
  int64_t last_card_purge_ = 0;  // issued_at of the newest card when cards were last purged; mutex_
  // The outcomes table in memory, keyed by subject_key + '\n' + recipient: the hook's hot path
  // reads it without touching SQLite.
  mutable std::mutex outcomes_mutex_;
  std::unordered_map<std::string, LocalOutcome> outcomes_;
  std::string salt_;
};

}  // namespace selvhjelp::plugin
