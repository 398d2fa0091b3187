#include "plugin/store/ledger.h"

#include <openssl/rand.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

#include "fhir/base/status_macros.h"
#include "plugin/auth/sha256.h"
#include "plugin/store/sqlite_db.h"

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

Ledger::~Ledger() {
  if (writer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(queue_mutex_);
      stopping_ = true;
    }
    queue_changed_.notify_one();
    writer_.join();
    (void)FlushCards();
  }
  sqlite3_close_v2(cards_db_);  // closes once statements_ has finalized its statements
  sqlite3_close_v2(feedback_db_);
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::filesystem::path& file, LedgerOptions options) {
  std::unique_ptr<Ledger> ledger(new Ledger());
  ledger->options_ = options;
  Result<sqlite3*> feedback = OpenConnection(file, "FULL");
  if (!feedback.ok()) return feedback.status();
  ledger->feedback_db_ = *feedback;
  Status schema = Exec(ledger->feedback_db_, kSchema);
  if (!schema.ok()) return schema;
  Result<sqlite3*> cards = OpenConnection(file, "NORMAL");
  if (!cards.ok()) return cards.status();
  ledger->cards_db_ = *cards;
  // A per-store salt, so subject keys cannot be matched against another installation's.
  Statement read(ledger->Prepared(ledger->feedback_db_, "SELECT value FROM meta WHERE key='salt'"));
  if (read.Step() == SQLITE_ROW) {
    ledger->salt_ = read.Text(0);
  } else {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return InternalError("store: no randomness for salt");
    char hex[33];
    for (int i = 0; i < 16; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
    ledger->salt_ = hex;
    Statement write(ledger->Prepared(ledger->feedback_db_, "INSERT OR IGNORE INTO meta(key, value) VALUES('salt', ?)"));
    if (write.Bind(1, ledger->salt_).Step() != SQLITE_DONE) return InternalError("store: cannot write salt");
  }
  Statement outcomes(ledger->Prepared(ledger->feedback_db_,
      "SELECT subject_key, recipient, outcome, override_code, encounter_id, at FROM outcomes"));
  for (int rc = outcomes.Step(); rc == SQLITE_ROW; rc = outcomes.Step()) {
    ledger->outcomes_[outcomes.Text(0) + "\n" + outcomes.Text(1)] =
        LocalOutcome{outcomes.Text(2), outcomes.Text(3), outcomes.Text(4), outcomes.Int(5)};
  }
  // Whether the store can write at all, for readiness (a full or read-only store still starts).
  ledger->write_health_.Note(ledger->ProbeLocked());
  ledger->writer_ = std::thread([raw = ledger.get()] { raw->CardWriterLoop(); });
  return ledger;
}

std::string Ledger::SubjectKey(const std::string& fhir_server, const std::string& patient_id) const {
  std::string_view server = fhir_server;
  while (!server.empty() && server.back() == '/') server.remove_suffix(1);  // one server, one key
  return Sha256Hex(salt_ + "\n" + std::string(server) + "\n" + patient_id);
}

sqlite3_stmt* Ledger::Prepared(sqlite3* db, const char* sql) { return statements_.Get(db, sql); }

void Ledger::QueueCards(std::vector<CardIssued> cards) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    for (CardIssued& card : cards) queue_.push_back(std::move(card));
  }
  queue_changed_.notify_one();
}

Status Ledger::FlushCards() {
  std::lock_guard<std::mutex> lock(mutex_);
  return DrainQueueLocked();
}

Status Ledger::DrainQueueLocked() {
  std::vector<CardIssued> batch;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    batch.swap(queue_);
  }
  if (batch.empty()) return OkStatus();
  Status written = WriteCardsLocked(batch);
  write_health_.Note(written);
  if (!written.ok()) {
    card_write_failures_.fetch_add(1);
    std::lock_guard<std::mutex> lock(queue_mutex_);
    queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin()),
                  std::make_move_iterator(batch.end()));
  }
  return written;
}

void Ledger::CardWriterLoop() {
  std::unique_lock<std::mutex> lock(queue_mutex_);
  while (true) {
    queue_changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    // Let a batch gather, then write it in one transaction.
    queue_changed_.wait_for(lock, kCardFlushInterval, [this] { return stopping_; });
    lock.unlock();
    {
      std::lock_guard<std::mutex> db_lock(mutex_);
      (void)DrainQueueLocked();  // failures are counted and retried on the next round
    }
    lock.lock();
  }
}

Status Ledger::WriteCardsLocked(const std::vector<CardIssued>& cards) {
  SELVHJELP_RETURN_IF_ERROR(Exec(cards_db_, "BEGIN"));
  for (const CardIssued& card : cards) {
    Statement s(Prepared(cards_db_,
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
  if (!commit.ok()) {
    (void)Exec(cards_db_, "ROLLBACK");
    return commit;
  }
  int64_t newest = 0;
  for (const CardIssued& card : cards) newest = std::max(newest, card.issued_at);
  if (newest - last_card_purge_ < 3600) return OkStatus();
  last_card_purge_ = newest;
  Statement purge(Prepared(cards_db_, "DELETE FROM cards WHERE issued_at < ?"));
  if (const int rc = purge.Bind(1, newest - options_.card_retention_seconds).Step(); rc != SQLITE_DONE) {
    return WriteError(cards_db_, rc, "cannot delete expired cards");
  }
  return OkStatus();
}

Result<int> Ledger::RecordFeedback(const std::vector<FeedbackEntry>& entries, int64_t received_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<int> recorded = RecordFeedbackLocked(entries, received_at);
  write_health_.Note(recorded.status());
  return recorded;
}

Result<int> Ledger::RecordFeedbackLocked(const std::vector<FeedbackEntry>& entries, int64_t received_at) {
  // Cards shown moments ago may still be queued: write them first so feedback finds them.
  SELVHJELP_RETURN_IF_ERROR(DrainQueueLocked());
  Status begin = Exec(feedback_db_, "BEGIN IMMEDIATE");
  if (!begin.ok()) return begin;
  int unknown = 0;
  std::vector<std::pair<std::string, LocalOutcome>> changed;  // applied to memory after COMMIT
  for (const FeedbackEntry& e : entries) {
    Statement card(Prepared(feedback_db_, "SELECT subject_key, recipient, encounter_id FROM cards WHERE card_uuid=?"));
    bool is_known = card.Bind(1, e.card_uuid).Step() == SQLITE_ROW;
    if (!is_known) ++unknown;
    Statement s(Prepared(feedback_db_,
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
    // The latest outcome per patient and recipient, kept for the hook's hot path. Only new
    // feedback moves it: a repeated post must not make an old answer look recent.
    if (is_known && sqlite3_changes(feedback_db_) > 0) {
      Statement latest(Prepared(feedback_db_,
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
      changed.push_back({card.Text(0) + "\n" + card.Text(1),
                         LocalOutcome{e.outcome, e.override_code, card.Text(2), received_at}});
    }
  }
  Status commit = Exec(feedback_db_, "COMMIT");
  if (!commit.ok()) {
    (void)Exec(feedback_db_, "ROLLBACK");
    return commit;
  }
  std::lock_guard<std::mutex> outcomes_lock(outcomes_mutex_);
  for (auto& [key, outcome] : changed) {
    LocalOutcome& slot = outcomes_[key];
    if (outcome.at >= slot.at) slot = std::move(outcome);
  }
  return unknown;
}

std::optional<LocalOutcome> Ledger::LatestOutcome(const std::string& subject_key,
                                                  const std::string& recipient) const {
  std::lock_guard<std::mutex> lock(outcomes_mutex_);
  auto it = outcomes_.find(subject_key + "\n" + recipient);
  if (it == outcomes_.end()) return std::nullopt;
  return it->second;
}

Result<int64_t> Ledger::CountFeedback() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(Prepared(feedback_db_, "SELECT COUNT(*) FROM feedback"));
  if (s.Step() != SQLITE_ROW) return InternalError("store: cannot count feedback");
  return s.Int(0);
}

Status Ledger::SaveSnapshot(const std::string& source, const std::string& groups_json, int64_t saved_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(Prepared(feedback_db_,
                       "INSERT INTO source_snapshots(source, saved_at, groups_json) VALUES(?,?,?) "
                       "ON CONFLICT(source) DO UPDATE SET saved_at=excluded.saved_at, groups_json=excluded.groups_json"));
  s.Bind(1, source).Bind(2, saved_at).Bind(3, groups_json);
  const int rc = s.Step();
  Status saved = rc == SQLITE_DONE ? OkStatus() : WriteError(feedback_db_, rc, "cannot save snapshot");
  write_health_.Note(saved);
  return saved;
}

Status Ledger::Readiness() {
  using namespace std::chrono_literals;
  if (write_health_.ProbeDue(WriteHealth::Clock::now(), 10s, 1s)) {
    std::lock_guard<std::mutex> lock(mutex_);
    write_health_.Note(ProbeLocked());
  }
  return write_health_.Latest();
}

Status Ledger::ProbeLocked() {
  Statement s(Prepared(feedback_db_,
                       "INSERT INTO write_probe(id, at) VALUES(1, ?) ON CONFLICT(id) DO UPDATE SET at=excluded.at"));
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  if (const int rc = s.Bind(1, now).Step(); rc != SQLITE_DONE) return WriteError(feedback_db_, rc, "write probe");
  return OkStatus();
}

Result<std::optional<Ledger::Snapshot>> Ledger::LoadSnapshot(const std::string& source) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(Prepared(feedback_db_, "SELECT saved_at, groups_json FROM source_snapshots WHERE source=?"));
  int rc = s.Bind(1, source).Step();
  if (rc == SQLITE_DONE) return std::optional<Snapshot>();
  if (rc != SQLITE_ROW) return InternalError("store: cannot read snapshot");
  return std::optional<Snapshot>(Snapshot{s.Int(0), s.Text(1)});
}

}  // namespace selvhjelp::plugin
