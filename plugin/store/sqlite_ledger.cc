#include "plugin/store/sqlite_ledger.h"

#include "fhir/base/status_macros.h"

namespace selvhjelp::plugin {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards(
  card_uuid TEXT PRIMARY KEY, service_id TEXT NOT NULL, subject_key TEXT NOT NULL,
  encounter_id TEXT NOT NULL, recipient TEXT NOT NULL, issued_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feedback(
  card_uuid TEXT NOT NULL, outcome TEXT NOT NULL, accepted_suggestions TEXT NOT NULL,
  override_code TEXT NOT NULL, outcome_timestamp TEXT NOT NULL, has_user_comment INTEGER NOT NULL,
  known_card INTEGER NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY(card_uuid, outcome, accepted_suggestions, outcome_timestamp));
CREATE TABLE IF NOT EXISTS source_snapshots(
  source TEXT PRIMARY KEY, saved_at INTEGER NOT NULL, groups_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outcomes(
  subject_key TEXT NOT NULL, recipient TEXT NOT NULL, outcome TEXT NOT NULL,
  override_code TEXT NOT NULL, encounter_id TEXT NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY(subject_key, recipient));
CREATE TABLE IF NOT EXISTS write_probe(id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
)sql";

}  // namespace

SqliteLedgerBackend::~SqliteLedgerBackend() {
  sqlite3_close_v2(cards_db_);  // closes once statements_ has finalized its statements
  sqlite3_close_v2(feedback_db_);
}

Result<std::unique_ptr<LedgerBackend>> SqliteLedgerBackend::Open(const std::filesystem::path& file) {
  std::unique_ptr<SqliteLedgerBackend> backend(new SqliteLedgerBackend());
  SELVHJELP_ASSIGN_OR_RETURN(backend->feedback_db_, OpenConnection(file, "FULL"));
  SELVHJELP_RETURN_IF_ERROR(Exec(backend->feedback_db_, kSchema));
  SELVHJELP_ASSIGN_OR_RETURN(backend->cards_db_, OpenConnection(file, "NORMAL"));
  return std::unique_ptr<LedgerBackend>(std::move(backend));
}

Result<std::string> SqliteLedgerBackend::Salt(const std::string& fresh) {
  std::lock_guard<std::mutex> lock(mutex_);
  {  // read first: a read-only store with its salt still opens
    Statement read(statements_.Get(feedback_db_, "SELECT value FROM meta WHERE key='salt'"));
    if (read.Step() == SQLITE_ROW) return read.Text(0);
  }
  Statement write(statements_.Get(feedback_db_, "INSERT OR IGNORE INTO meta(key, value) VALUES('salt', ?)"));
  if (write.Bind(1, fresh).Step() != SQLITE_DONE) return InternalError("store: cannot write salt");
  return fresh;
}

Result<std::vector<std::pair<std::string, LocalOutcome>>> SqliteLedgerBackend::LoadOutcomes() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement outcomes(statements_.Get(feedback_db_,
      "SELECT subject_key, recipient, outcome, override_code, encounter_id, at FROM outcomes"));
  std::vector<std::pair<std::string, LocalOutcome>> out;
  int rc;
  while ((rc = outcomes.Step()) == SQLITE_ROW) {
    out.emplace_back(outcomes.Text(0) + "\n" + outcomes.Text(1),
                     LocalOutcome{outcomes.Text(2), outcomes.Text(3), outcomes.Text(4), outcomes.Int(5)});
  }
  if (rc != SQLITE_DONE) return InternalError("store: cannot read outcomes");
  return out;
}

std::optional<LocalOutcome> SqliteLedgerBackend::ReadOutcome(const std::string& subject_key,
                                                             const std::string& recipient) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(statements_.Get(feedback_db_,
      "SELECT outcome, override_code, encounter_id, at FROM outcomes WHERE subject_key=? AND recipient=?"));
  if (s.Bind(1, subject_key).Bind(2, recipient).Step() != SQLITE_ROW) return std::nullopt;
  return LocalOutcome{s.Text(0), s.Text(1), s.Text(2), s.Int(3)};
}

Status SqliteLedgerBackend::WriteCards(const std::vector<CardIssued>& cards) {
  std::lock_guard<std::mutex> lock(mutex_);
  SELVHJELP_RETURN_IF_ERROR(Exec(cards_db_, "BEGIN"));
  for (const CardIssued& card : cards) {
    Statement s(statements_.Get(cards_db_,
                                "INSERT OR IGNORE INTO cards(card_uuid, service_id, subject_key, encounter_id, "
                                "recipient, issued_at) VALUES(?,?,?,?,?,?)"));
    s.Bind(1, card.card_uuid).Bind(2, card.service_id).Bind(3, card.subject_key)
        .Bind(4, card.encounter_id).Bind(5, card.recipient).Bind(6, card.issued_at);
    if (const int rc = s.Step(); rc != SQLITE_DONE) {
      (void)Exec(cards_db_, "ROLLBACK");
      return WriteError(cards_db_, rc, "cannot record card");
    }
  }
  Status commit = Exec(cards_db_, "COMMIT");
  if (!commit.ok()) (void)Exec(cards_db_, "ROLLBACK");
  return commit;
}

Status SqliteLedgerBackend::PurgeCards(int64_t issued_before) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement purge(statements_.Get(cards_db_, "DELETE FROM cards WHERE issued_at < ?"));
  if (const int rc = purge.Bind(1, issued_before).Step(); rc != SQLITE_DONE) {
    return WriteError(cards_db_, rc, "cannot delete expired cards");
  }
  return OkStatus();
}

Result<LedgerBackend::FeedbackWritten> SqliteLedgerBackend::WriteFeedback(const std::vector<FeedbackEntry>& entries,
                                                                          int64_t received_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  return WriteFeedbackLocked(entries, received_at);
}

Result<LedgerBackend::FeedbackWritten> SqliteLedgerBackend::WriteFeedbackLocked(
    const std::vector<FeedbackEntry>& entries, int64_t received_at) {
  SELVHJELP_RETURN_IF_ERROR(Exec(feedback_db_, "BEGIN IMMEDIATE"));
  FeedbackWritten written;
  for (const FeedbackEntry& e : entries) {
    Statement card(statements_.Get(feedback_db_,
                                   "SELECT subject_key, recipient, encounter_id FROM cards WHERE card_uuid=?"));
    bool is_known = card.Bind(1, e.card_uuid).Step() == SQLITE_ROW;
    if (!is_known) ++written.unknown_cards;
    Statement s(statements_.Get(feedback_db_,
                "INSERT OR IGNORE INTO feedback(card_uuid, outcome, accepted_suggestions, "
                "override_code, outcome_timestamp, has_user_comment, known_card, received_at) "
                "VALUES(?,?,?,?,?,?,?,?)"));
    s.Bind(1, e.card_uuid).Bind(2, e.outcome).Bind(3, e.accepted_suggestions)
        .Bind(4, e.override_code).Bind(5, e.outcome_timestamp)
        .Bind(6, int64_t{e.has_user_comment}).Bind(7, int64_t{is_known}).Bind(8, received_at);
    if (const int rc = s.Step(); rc != SQLITE_DONE) {
      (void)Exec(feedback_db_, "ROLLBACK");
      return WriteError(feedback_db_, rc, "cannot record feedback");
    }
    // Only new feedback moves the latest outcome: a repeated post must not make an old answer
    // look recent.
    if (is_known && sqlite3_changes(feedback_db_) > 0) {
      Statement latest(statements_.Get(feedback_db_,
                       "INSERT INTO outcomes(subject_key, recipient, outcome, override_code, "
                       "encounter_id, at) VALUES(?,?,?,?,?,?) ON CONFLICT(subject_key, recipient) "
                       "DO UPDATE SET outcome=excluded.outcome, override_code=excluded.override_code, "
                       "encounter_id=excluded.encounter_id, at=excluded.at WHERE excluded.at >= outcomes.at"));
      latest.Bind(1, card.Text(0)).Bind(2, card.Text(1)).Bind(3, e.outcome).Bind(4, e.override_code)
          .Bind(5, card.Text(2)).Bind(6, received_at);
      if (const int rc = latest.Step(); rc != SQLITE_DONE) {
        (void)Exec(feedback_db_, "ROLLBACK");
        return WriteError(feedback_db_, rc, "cannot record outcome");
      }
      written.changed.push_back({card.Text(0) + "\n" + card.Text(1),
                                 LocalOutcome{e.outcome, e.override_code, card.Text(2), received_at}});
    }
  }
  Status commit = Exec(feedback_db_, "COMMIT");
  if (!commit.ok()) {
    (void)Exec(feedback_db_, "ROLLBACK");
    return commit;
  }
  return written;
}

Result<int64_t> SqliteLedgerBackend::CountFeedback() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(statements_.Get(feedback_db_, "SELECT COUNT(*) FROM feedback"));
  if (s.Step() != SQLITE_ROW) return InternalError("store: cannot count feedback");
  return s.Int(0);
}

Status SqliteLedgerBackend::SaveSnapshot(const std::string& source, const std::string& groups_json, int64_t saved_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(statements_.Get(feedback_db_,
                              "INSERT INTO source_snapshots(source, saved_at, groups_json) VALUES(?,?,?) "
                              "ON CONFLICT(source) DO UPDATE SET saved_at=excluded.saved_at, "
                              "groups_json=excluded.groups_json"));
  s.Bind(1, source).Bind(2, saved_at).Bind(3, groups_json);
  const int rc = s.Step();
  return rc == SQLITE_DONE ? OkStatus() : WriteError(feedback_db_, rc, "cannot save snapshot");
}

Result<std::optional<SourceSnapshot>> SqliteLedgerBackend::LoadSnapshot(const std::string& source) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(statements_.Get(feedback_db_, "SELECT saved_at, groups_json FROM source_snapshots WHERE source=?"));
  int rc = s.Bind(1, source).Step();
  if (rc == SQLITE_DONE) return std::optional<SourceSnapshot>();
  if (rc != SQLITE_ROW) return InternalError("store: cannot read snapshot");
  SourceSnapshot snapshot;  // no version or validators: one process reads every source
  snapshot.saved_at = s.Int(0);
  snapshot.groups_json = s.Text(1);
  return std::optional<SourceSnapshot>(std::move(snapshot));
}

Result<int64_t> SqliteLedgerBackend::FinishSourceRead(const std::string& source, const SourceReadReport& report) {
  if (report.changed) SELVHJELP_RETURN_IF_ERROR(SaveSnapshot(source, report.groups_json, report.attempted_at));
  return int64_t{0};
}

Status SqliteLedgerBackend::Probe(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(statements_.Get(feedback_db_,
                              "INSERT INTO write_probe(id, at) VALUES(1, ?) ON CONFLICT(id) DO UPDATE SET at=excluded.at"));
  if (const int rc = s.Bind(1, now_ms).Step(); rc != SQLITE_DONE) return WriteError(feedback_db_, rc, "write probe");
  return OkStatus();
}

}  // namespace selvhjelp::plugin
