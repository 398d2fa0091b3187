#pragma once
// Ledger: the store of cards shown and feedback received, the subject-key salt and the group
// sources' snapshots, over a LedgerBackend (SQLite by default, or PostgreSQL: store_factory.h).
// Feedback is committed durably before the HTTP answer, so nothing accepted is lost on a crash or
// restart. Cards are written by a background thread in batches (within kCardFlushInterval), off
// the hook's hot path; feedback first writes any queued cards, so it always finds them. Patients
// are stored only as a salted SHA-256 key, never by id.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/store/ledger_backend.h"
#include "plugin/store/ledger_types.h"
#include "plugin/store/write_health.h"

namespace selvhjelp::plugin {

class Outbox;

struct LedgerOptions {
  // Cards are kept this long after they were shown (feedback for an older card is stored and
  // flagged as for an unknown card); older rows are deleted as new cards are written, at most
  // once an hour. The table would otherwise grow with every hook call.
  int64_t card_retention_seconds = 90 * 24 * 3600;
};

class Ledger {
 public:
  ~Ledger();
  // Opens or creates the SQLite file (and its folder). Unavailable when it cannot be opened.
  static Result<std::unique_ptr<Ledger>> Open(const std::filesystem::path& file, LedgerOptions options = {});
  // The ledger over `backend` (a store opened by store_factory.h): reads the salt (and, for a
  // store of one process, the latest outcomes), probes a write for readiness and starts the card
  // writer.
  static Result<std::unique_ptr<Ledger>> Create(std::unique_ptr<LedgerBackend> backend, LedgerOptions options = {});

  // Queues the cards of one hook answer for the background writer; returns at once.
  void QueueCards(std::vector<CardIssued> cards);
  // Writes queued cards now (tests; shutdown does it too).
  Status FlushCards();
  // Background writes that failed since Open (their cards are kept queued and retried).
  int64_t card_write_failures() const { return card_write_failures_.load(); }
  // Cards dropped unwritten, oldest first, because kMaxQueuedCards were waiting (the store failed
  // for long); their feedback is then counted as for an unknown card.
  int64_t cards_dropped() const { return cards_dropped_.load(); }
  // Stores each entry once: the same (card, outcome, suggestions, timestamp) again is a no-op.
  // All entries are committed in one transaction, durably, before this returns.
  // Returns how many entries named a card this store did not issue (kept, and flagged).
  Result<int> RecordFeedback(const std::vector<FeedbackEntry>& entries, int64_t received_at);
  // The latest feedback for cards shown for this patient to `recipient`, if any. With a store of
  // one process (SQLite) served from memory (loaded at Open, updated by RecordFeedback); with a
  // shared store read from it, so every instance answers the same.
  std::optional<LocalOutcome> LatestOutcome(const std::string& subject_key,
                                            const std::string& recipient) const;
  // What the hook goes by: for each of `recipients` ("patient", "relatives"), the later of
  // LatestOutcome and, when `outbox` is given, outbox->LatestOutcome (TakeLaterRecord), in that
  // order. With a shared store whose outbox is in the same database (PostgreSQL), one statement
  // and one round trip for all; else each is read on its own (SQLite: the feedback from memory).
  std::vector<std::optional<LocalOutcome>> LatestOutcomes(const std::string& subject_key,
                                                          const std::vector<std::string>& recipients,
                                                          const Outbox* outbox) const;
  Result<int64_t> CountFeedback();

  // The last good content of a group source, kept so a restart while the source is down still
  // has it. Saving replaces the previous snapshot of that source.
  using Snapshot = SourceSnapshot;
  Status SaveSnapshot(const std::string& source, const std::string& groups_json, int64_t saved_at);
  Result<std::optional<Snapshot>> LoadSnapshot(const std::string& source);
  // Who reads a group source over the network, when several instances share the store: as
  // LedgerBackend::ClaimSourceRead and FinishSourceRead (docs/store.md). With a store of one
  // process every claim is granted and a finished read saves its new content as SaveSnapshot.
  Result<SourceReadClaim> ClaimSourceRead(const std::string& source, int64_t now);
  Result<int64_t> FinishSourceRead(const std::string& source, const SourceReadReport& report);

  // A stable, non-reversible key for (fhirServer, patientId): hex SHA-256 over a per-store salt.
  // A trailing "/" on the server does not change the key.
  std::string SubjectKey(const std::string& fhir_server, const std::string& patient_id) const;

  // Readiness: OK when the store can write, else why not (Unavailable: "store: write probe: the
  // disk is full..."). The latest outcome of a write of the ledger or the outbox (when it was
  // opened with write_health()); never waits for the store. The card writer's thread makes a
  // probe write (one row, durable) when that outcome is more than 10 s old, or more than 1 s old
  // and failed, so a recovered store is ready again within about a second.
  Status Readiness() const;
  // Where the outbox notes its writes (Outbox::Open), so readiness sees them too.
  WriteHealth& write_health() { return write_health_; }

  static constexpr std::chrono::milliseconds kCardFlushInterval{20};
  // Cards kept in memory while the store cannot write them; beyond this the oldest go.
  static constexpr size_t kMaxQueuedCards = 100000;
  // The card writer's pause after a failed write grows to this (from kCardFlushInterval).
  static constexpr std::chrono::milliseconds kMaxCardRetryInterval{5000};
  // How often the card writer's thread looks whether a probe write is due.
  static constexpr std::chrono::milliseconds kProbeCheckInterval{250};

 private:
  Ledger() = default;
  void CardWriterLoop();
  // Moves the queue into a local vector and writes it; on failure puts it back. Caller holds
  // write_mutex_.
  Status DrainQueueLocked();
  // Writes `cards`, then deletes expired cards when the last purge is an hour old. Caller holds
  // write_mutex_.
  Status WriteCardsLocked(const std::vector<CardIssued>& cards);
  Status Probe();
  // Drops the oldest queued cards beyond kMaxQueuedCards (counted). Caller holds queue_mutex_.
  void TrimQueueLocked();
  // How long the card writer lets a batch gather: kCardFlushInterval, doubled per failed write in
  // a row, at most kMaxCardRetryInterval.
  std::chrono::milliseconds CardRetryPause();

  std::unique_ptr<LedgerBackend> backend_;
  std::mutex queue_mutex_;  // guards queue_ and stopping_; never held while taking write_mutex_
  std::condition_variable queue_changed_;
  std::vector<CardIssued> queue_;
  bool stopping_ = false;
  std::atomic<int64_t> card_write_failures_{0};
  std::atomic<int64_t> cards_dropped_{0};
  int card_failures_in_a_row_ = 0;  // guarded by write_mutex_
  WriteHealth write_health_;
  std::thread writer_;
  std::mutex write_mutex_;  // orders card writes before the feedback that may name them
  LedgerOptions options_;
  int64_t last_card_purge_ = 0;  // issued_at of the newest card when cards were last purged; write_mutex_
  // The outcomes in memory (a store of one process only), keyed by subject_key + '\n' +
  // recipient: the hook's hot path reads it without touching the store.
  bool cache_outcomes_ = true;
  mutable std::mutex outcomes_mutex_;
  std::unordered_map<std::string, LocalOutcome> outcomes_;
  std::string salt_;
};

}  // namespace selvhjelp::plugin
