#pragma once
// LedgerBackend: the seam between the ledger's logic (plugin/store/ledger.h: the card queue and
// its writer thread, the outcome cache, subject keys, readiness timing) and the database that
// keeps its rows: cards, feedback, latest outcomes, the subject-key salt, group source snapshots
// (and, for a shared store, who reads each source) and the write probe. Implementations: SqliteLedgerBackend (embedded) and PgLedgerBackend
// (PostgreSQL, shared by several instances). Thread-safe; no method throws. Database failures are
// Unavailable (or Internal), with messages free of data values.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/store/ledger_types.h"

namespace selvhjelp::plugin {

class OutboxBackend;

class LedgerBackend {
 public:
  virtual ~LedgerBackend() = default;

  // True when other processes may write the same store at any time (PostgreSQL): the ledger then
  // reads latest outcomes from the store instead of caching them.
  virtual bool shared() const = 0;
  // The store's salt for subject keys: the one kept, or `fresh` kept now when there is none
  // (when two instances start at once, both get the same one).
  [[nodiscard]] virtual Result<std::string> Salt(const std::string& fresh) = 0;

  // Every latest outcome, keyed by subject_key + '\n' + recipient (loaded once, for the cache).
  [[nodiscard]] virtual Result<std::vector<std::pair<std::string, LocalOutcome>>> LoadOutcomes() = 0;
  // The latest outcome for one patient and recipient; nullopt when none or unreadable.
  virtual std::optional<LocalOutcome> ReadOutcome(const std::string& subject_key, const std::string& recipient) = 0;

  // For each of `recipients`, the latest outcome for this patient (subject key): the feedback's
  // and, when `records` is given, the later of it and the records' (OutboxBackend::LatestOutcome,
  // TakeLaterRecord), all read at once; nullopt in a slot when none or unreadable. nullopt when
  // this backend cannot read them at once (the default; or `records` is in another database):
  // Ledger::LatestOutcomes then reads each on its own.
  virtual std::optional<std::vector<std::optional<LocalOutcome>>> ReadLatestOutcomes(
      const std::string& subject_key, const std::vector<std::string>& recipients, const OutboxBackend* records) {
    (void)subject_key, (void)recipients, (void)records;
    return std::nullopt;
  }

  // Writes `cards` (one transaction; a card already stored is left as it is). Cards need not be
  // durable against power loss: a lost card row only loses a flag.
  [[nodiscard]] virtual Status WriteCards(const std::vector<CardIssued>& cards) = 0;
  [[nodiscard]] virtual Status PurgeCards(int64_t issued_before) = 0;

  struct FeedbackWritten {
    int unknown_cards = 0;  // entries naming a card this store did not issue
    // The outcomes moved by new feedback: (subject_key + '\n' + recipient, outcome).
    std::vector<std::pair<std::string, LocalOutcome>> changed;
  };
  // Stores each entry once, durably, in one transaction: the same (card, outcome, suggestions,
  // timestamp) again changes nothing. New feedback for a known card moves that patient's latest
  // outcome (to `received_at`) unless a later one is stored.
  [[nodiscard]] virtual Result<FeedbackWritten> WriteFeedback(const std::vector<FeedbackEntry>& entries,
                                                              int64_t received_at) = 0;
  [[nodiscard]] virtual Result<int64_t> CountFeedback() = 0;

  // Replaces the snapshot of `source`.
  [[nodiscard]] virtual Status SaveSnapshot(const std::string& source, const std::string& groups_json,
                                            int64_t saved_at) = 0;
  [[nodiscard]] virtual Result<std::optional<SourceSnapshot>> LoadSnapshot(const std::string& source) = 0;

  // Group sources read over the network are read by one instance at a time (docs/store.md).
  // Claims the read of `source` at `now` (seconds) for this process: when it is due (the latest
  // report's next_read_at has passed) and no other process holds a claim that is still running;
  // otherwise answers what the store holds. A claim lasts the store's lease (store.leaseSeconds),
  // so one whose holder died is taken by another instance after that. A store of one process
  // always answers claimed.
  [[nodiscard]] virtual Result<SourceReadClaim> ClaimSourceRead(const std::string& source, int64_t now) = 0;
  // Reports the read this process claimed and lets the claim go, in one transaction: with
  // report.changed the snapshot (saved_at = attempted_at) and its validators are replaced and
  // given a new version. Returns the stored snapshot's version (0 for a store of one process);
  // FailedPrecondition, writing nothing, when the claim was taken over meanwhile.
  [[nodiscard]] virtual Result<int64_t> FinishSourceRead(const std::string& source, const SourceReadReport& report) = 0;

  // Writes one probe row durably: OK when the store can write.
  [[nodiscard]] virtual Status Probe(int64_t now_ms) = 0;
};

}  // namespace selvhjelp::plugin
