#pragma once
// SqliteLedgerBackend: the ledger's rows in the embedded SQLite store (one serving process per
// file), in WAL mode over two connections: cards with synchronous=NORMAL (a lost card row only
// loses a flag), everything else with synchronous=FULL (accepted feedback is never lost).
// Thread-safe (one mutex over both connections).
#include <filesystem>
#include <memory>
#include <mutex>

#include "plugin/store/ledger_backend.h"
#include "plugin/store/sqlite_db.h"

namespace selvhjelp::plugin {

class SqliteLedgerBackend : public LedgerBackend {
 public:
  ~SqliteLedgerBackend() override;
  // Opens or creates the database file (and its folder) and its tables. Unavailable when it
  // cannot be opened.
  static Result<std::unique_ptr<LedgerBackend>> Open(const std::filesystem::path& file);

  bool shared() const override { return false; }
  Result<std::string> Salt(const std::string& fresh) override;
  Result<std::vector<std::pair<std::string, LocalOutcome>>> LoadOutcomes() override;
  std::optional<LocalOutcome> ReadOutcome(const std::string& subject_key, const std::string& recipient) override;
  Status WriteCards(const std::vector<CardIssued>& cards) override;
  Status PurgeCards(int64_t issued_before) override;
  Result<FeedbackWritten> WriteFeedback(const std::vector<FeedbackEntry>& entries, int64_t received_at) override;
  Result<int64_t> CountFeedback() override;
  Status SaveSnapshot(const std::string& source, const std::string& groups_json, int64_t saved_at) override;
  Result<std::optional<SourceSnapshot>> LoadSnapshot(const std::string& source) override;
  // One serving process per file: every read is this one's; a read with new content saves it.
  Result<SourceReadClaim> ClaimSourceRead(const std::string&, int64_t) override { return SourceReadClaim{true, {}}; }
  Result<int64_t> FinishSourceRead(const std::string& source, const SourceReadReport& report) override;
  Status Probe(int64_t now_ms) override;

 private:
  SqliteLedgerBackend() = default;
  Result<FeedbackWritten> WriteFeedbackLocked(const std::vector<FeedbackEntry>& entries, int64_t received_at);

  std::mutex mutex_;  // serialises use of both connections and their statements
  StatementCache statements_;
  sqlite3* cards_db_ = nullptr;     // synchronous=NORMAL
  sqlite3* feedback_db_ = nullptr;  // synchronous=FULL
};

}  // namespace selvhjelp::plugin
