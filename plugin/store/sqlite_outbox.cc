#include "plugin/store/sqlite_outbox.h"

#include <chrono>

#include "fhir/base/status_macros.h"

namespace selvhjelp::plugin {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS outbox(
  record_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, bundle TEXT NOT NULL,
  state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL, next_attempt_ms INTEGER NOT NULL, delivered_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', location TEXT NOT NULL DEFAULT '',
  subject_key TEXT NOT NULL, recipient TEXT NOT NULL, outcome TEXT NOT NULL, override_code TEXT NOT NULL,
  encounter_id TEXT NOT NULL, outcome_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_attempt_ms);
CREATE INDEX IF NOT EXISTS outbox_subject ON outbox(subject_key, recipient, outcome_at);
CREATE TABLE IF NOT EXISTS record_facts(
  record_id TEXT PRIMARY KEY, subject_key TEXT NOT NULL, recipient TEXT NOT NULL,
  sent TEXT NOT NULL, sent_seconds INTEGER NOT NULL, level TEXT NOT NULL, response TEXT NOT NULL,
  encounter_id TEXT NOT NULL, group_ids TEXT NOT NULL, group_names TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active', status_changed_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS record_facts_subject ON record_facts(subject_key, sent_seconds);
)sql";

// A correction (entered-in-error) waits for the record it corrects: `corrects` names it. Added
// to stores made before corrections existed.
constexpr const char* kCorrectsColumn = "ALTER TABLE outbox ADD COLUMN corrects TEXT NOT NULL DEFAULT ''";

// Pending rows that may be sent now: a correction only once the record it corrects is delivered
// (or deleted by retention).
#define SELVHJELP_SENDABLE \
  "state='pending' AND (corrects='' OR NOT EXISTS(SELECT 1 FROM outbox p WHERE p.record_id=outbox.corrects " \
  "AND p.state<>'delivered'))"

// An entry from a row of record_id, state, attempts, created_ms, next_attempt_ms, delivered_ms,
// last_error, location, subject_key.
OutboxEntry ReadEntry(Statement& s) {
  return OutboxEntry{s.Text(0), s.Text(1), s.Int(2), s.Int(3), s.Int(4), s.Int(5), s.Text(6), s.Text(7), s.Text(8)};
}

}  // namespace

SqliteOutboxBackend::~SqliteOutboxBackend() {
  sqlite3_close_v2(db_);  // each closes once statements_ has finalized its statements
  sqlite3_close_v2(read_db_);
}

Result<std::unique_ptr<OutboxBackend>> SqliteOutboxBackend::Open(const std::filesystem::path& file) {
  std::unique_ptr<SqliteOutboxBackend> backend(new SqliteOutboxBackend());
  SELVHJELP_ASSIGN_OR_RETURN(backend->db_, OpenConnection(file, "FULL"));
  SELVHJELP_RETURN_IF_ERROR(Exec(backend->db_, kSchema));
  if (sqlite3_stmt* probe = backend->statements_.Get(backend->db_, "SELECT corrects FROM outbox LIMIT 0"); probe == nullptr) {
    SELVHJELP_RETURN_IF_ERROR(Exec(backend->db_, kCorrectsColumn));
  }
  SELVHJELP_ASSIGN_OR_RETURN(backend->read_db_, OpenConnection(file, "FULL"));
  return std::unique_ptr<OutboxBackend>(std::move(backend));
}

Result<std::vector<std::optional<std::string>>> SqliteOutboxBackend::InsertBatch(
    const std::vector<const NewOutboxRecord*>& records) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::optional<std::string>> existing;
  if (Status written = WriteBatchLocked(records, existing); !written.ok()) {
    if (sqlite3_get_autocommit(db_) == 0) (void)sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return written;
  }
  return existing;
}

Status SqliteOutboxBackend::WriteBatchLocked(const std::vector<const NewOutboxRecord*>& records,
                                             std::vector<std::optional<std::string>>& existing) {
  const std::string what = "cannot write the record";
  if (const int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
    return WriteError(db_, rc, what);
  }
  for (const NewOutboxRecord* r : records) {
    // Sees the records written before it in this transaction too.
    Statement stored(statements_.Get(db_, "SELECT content_hash FROM outbox WHERE record_id=?"));
    if (const int rc = stored.Bind(1, r->record_id).Step(); rc == SQLITE_ROW) {
      existing.push_back(stored.Text(0));
      continue;
    } else if (rc != SQLITE_DONE) {
      return WriteError(db_, rc, what);
    }
    Statement insert(statements_.Get(db_,
        "INSERT INTO outbox(record_id, content_hash, bundle, state, created_ms, next_attempt_ms, subject_key, "
        "recipient, outcome, override_code, encounter_id, outcome_at) VALUES(?1,?2,?3,?12,?4,?5,?6,?7,?8,?9,?10,?11)"));
    insert.Bind(1, r->record_id).Bind(2, r->content_hash).Bind(3, r->bundle_json).Bind(4, r->created_ms)
        .Bind(5, r->created_ms).Bind(6, r->subject_key).Bind(7, r->recipient).Bind(8, r->outcome.outcome)
        .Bind(9, r->outcome.override_code).Bind(10, r->outcome.encounter_id).Bind(11, r->outcome.at)
        .Bind(12, std::string(r->deliver ? "pending" : "stored"));
    if (const int rc = insert.Step(); rc != SQLITE_DONE) return WriteError(db_, rc, what);
    RecordFacts facts = r->facts;
    facts.record_id = r->record_id;
    facts.subject_key = r->subject_key;
    facts.recipient = r->recipient;
    SELVHJELP_RETURN_IF_ERROR(InsertFactsLocked(facts));
    existing.push_back(std::nullopt);
  }
  // synchronous=FULL: durable when COMMIT returns.
  if (const int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
    return WriteError(db_, rc, what);
  }
  return OkStatus();
}

Status SqliteOutboxBackend::InsertFactsLocked(const RecordFacts& f) {
  Statement insert(statements_.Get(db_,
      "INSERT INTO record_facts(record_id, subject_key, recipient, sent, sent_seconds, level, response, "
      "encounter_id, group_ids, group_names) VALUES(?,?,?,?,?,?,?,?,?,?)"));
  insert.Bind(1, f.record_id).Bind(2, f.subject_key).Bind(3, f.recipient).Bind(4, f.sent).Bind(5, f.sent_seconds)
      .Bind(6, f.level).Bind(7, f.response).Bind(8, f.encounter_id).Bind(9, JoinLines(f.group_ids))
      .Bind(10, JoinLines(f.group_names));
  if (const int rc = insert.Step(); rc != SQLITE_DONE) return WriteError(db_, rc, "cannot write the record's facts");
  return OkStatus();
}

Result<std::optional<OutboxClaim>> SqliteOutboxBackend::Claim(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Due records in due order; skip those other workers hold (at most one each).
  Statement due(statements_.Get(db_,
      "SELECT record_id, bundle, attempts FROM outbox WHERE " SELVHJELP_SENDABLE " AND next_attempt_ms<=? "
      "ORDER BY next_attempt_ms LIMIT ?"));
  due.Bind(1, now_ms).Bind(2, static_cast<int64_t>(held_.size() + 1));
  for (int rc = due.Step(); rc == SQLITE_ROW; rc = due.Step()) {
    std::string id = due.Text(0);
    if (held_.count(id)) continue;
    held_.insert(id);
    return std::optional<OutboxClaim>(OutboxClaim{std::move(id), due.Text(1), due.Int(2)});
  }
  return std::optional<OutboxClaim>();
}

std::optional<int64_t> SqliteOutboxBackend::NextDueMs() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement next(statements_.Get(db_,
      "SELECT record_id, next_attempt_ms FROM outbox WHERE " SELVHJELP_SENDABLE " ORDER BY next_attempt_ms LIMIT ?"));
  next.Bind(1, static_cast<int64_t>(held_.size() + 1));
  for (int rc = next.Step(); rc == SQLITE_ROW; rc = next.Step()) {
    if (!held_.count(next.Text(0))) return next.Int(1);
  }
  return std::nullopt;
}

Status SqliteOutboxBackend::Finish(const std::string& record_id, DeliveryEnd end, const std::string& text,
                                   int64_t number) {
  const char* sql = nullptr;
  switch (end) {
    case DeliveryEnd::kDelivered:
      sql = "UPDATE outbox SET state='delivered', attempts=attempts+1, location=?, delivered_ms=?, last_error='' "
            "WHERE record_id=?";
      break;
    case DeliveryEnd::kRetry:
      sql = "UPDATE outbox SET attempts=attempts+1, last_error=?, next_attempt_ms=? WHERE record_id=? "
            "AND state='pending'";
      break;
    case DeliveryEnd::kParked:
      sql = "UPDATE outbox SET state='parked', attempts=attempts+1, last_error=?, next_attempt_ms=? WHERE record_id=?";
      break;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  held_.erase(record_id);
  Statement update(statements_.Get(db_, sql));
  const int rc = update.Bind(1, text).Bind(2, number).Bind(3, record_id).Step();
  return rc == SQLITE_DONE ? OkStatus() : WriteError(db_, rc, "cannot update the record's state");
}

void SqliteOutboxBackend::Release(const std::string& record_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  held_.erase(record_id);
}

Result<std::vector<OutboxEntry>> SqliteOutboxBackend::List(const std::string& state, int limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement list(statements_.Get(db_,
      "SELECT record_id, state, attempts, created_ms, next_attempt_ms, delivered_ms, last_error, location, subject_key "
      "FROM outbox WHERE ?1='' OR state=?1 ORDER BY created_ms DESC, record_id LIMIT ?2"));
  list.Bind(1, state).Bind(2, static_cast<int64_t>(limit));
  std::vector<OutboxEntry> out;
  int rc;
  while ((rc = list.Step()) == SQLITE_ROW) out.push_back(ReadEntry(list));
  if (rc != SQLITE_DONE) return InternalError("store: cannot list the outbox");
  return out;
}

Result<std::optional<OutboxEntry>> SqliteOutboxBackend::Get(const std::string& record_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement get(statements_.Get(db_,
      "SELECT record_id, state, attempts, created_ms, next_attempt_ms, delivered_ms, last_error, location, subject_key "
      "FROM outbox WHERE record_id=?"));
  if (get.Bind(1, record_id).Step() != SQLITE_ROW) return std::optional<OutboxEntry>();
  return std::optional<OutboxEntry>(ReadEntry(get));
}

Result<int64_t> SqliteOutboxBackend::Retry(const std::vector<std::string>& record_ids) {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t changed = 0;
  if (record_ids.empty()) {
    SELVHJELP_RETURN_IF_ERROR(Exec(db_, "UPDATE outbox SET state='pending', next_attempt_ms=0 WHERE state='parked'"));
    return static_cast<int64_t>(sqlite3_changes(db_));
  }
  SELVHJELP_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE"));
  for (const std::string& id : record_ids) {
    Statement retry(statements_.Get(db_,
        "UPDATE outbox SET state='pending', next_attempt_ms=0 WHERE record_id=? AND state='parked'"));
    if (retry.Bind(1, id).Step() != SQLITE_DONE) {
      (void)Exec(db_, "ROLLBACK");
      return InternalError("store: cannot retry " + id);
    }
    changed += sqlite3_changes(db_);
  }
  SELVHJELP_RETURN_IF_ERROR(Exec(db_, "COMMIT"));
  return changed;
}

Result<OutboxCounts> SqliteOutboxBackend::Counts() {
  std::lock_guard<std::mutex> lock(mutex_);
  OutboxCounts counts;
  Statement by_state(statements_.Get(db_, "SELECT state, COUNT(*), MIN(created_ms) FROM outbox GROUP BY state"));
  int rc;
  while ((rc = by_state.Step()) == SQLITE_ROW) {
    std::string state = by_state.Text(0);
    if (state == "pending") {
      counts.pending = by_state.Int(1);
      counts.oldest_pending_ms = by_state.Int(2);
    } else if (state == "delivered") {
      counts.delivered = by_state.Int(1);
    } else if (state == "parked") {
      counts.parked = by_state.Int(1);
    } else if (state == "stored") {
      counts.stored = by_state.Int(1);
    }
  }
  if (rc != SQLITE_DONE) return InternalError("store: cannot count the outbox");
  return counts;
}

Result<std::optional<CorrectionTarget>> SqliteOutboxBackend::FindForCorrection(const std::string& record_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Read and reset before any BEGIN IMMEDIATE: a statement left on a row would hold a read
  // transaction that SQLite cannot upgrade while another connection writes (no busy wait).
  Statement find(statements_.Get(db_,
      "SELECT o.bundle, o.state, f.status FROM outbox o JOIN record_facts f ON f.record_id=o.record_id "
      "WHERE o.record_id=?"));
  const int found = find.Bind(1, record_id).Step();
  if (found == SQLITE_DONE) return std::optional<CorrectionTarget>();
  if (found != SQLITE_ROW) return InternalError("store: cannot read the record");
  return std::optional<CorrectionTarget>(CorrectionTarget{find.Text(0), find.Text(1), find.Text(2)});
}

Result<bool> SqliteOutboxBackend::MarkAndQueueCorrection(const std::string& record_id, int64_t now_ms,
                                                         const std::string& bundle_json, const std::string& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string what = "cannot mark the record entered-in-error";
  bool marked_elsewhere = false;  // by another process since the caller read it
  auto write = [&]() -> Status {
    if (const int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
      return WriteError(db_, rc, what);
    }
    Statement mark(statements_.Get(db_,
        "UPDATE record_facts SET status='entered-in-error', status_changed_ms=? WHERE record_id=? AND status='active'"));
    if (const int rc = mark.Bind(1, now_ms).Bind(2, record_id).Step(); rc != SQLITE_DONE) return WriteError(db_, rc, what);
    if (sqlite3_changes(db_) == 0) {
      marked_elsewhere = true;
      return OkStatus();  // rolled back below: nothing to write
    }
    Statement insert(statements_.Get(db_,
        "INSERT INTO outbox(record_id, content_hash, bundle, state, created_ms, next_attempt_ms, subject_key, "
        "recipient, outcome, override_code, encounter_id, outcome_at, corrects) "
        "SELECT ?, '', ?, ?, ?, ?, subject_key, recipient, '', '', '', 0, record_id FROM outbox WHERE record_id=?"));
    insert.Bind(1, record_id + kCorrectionSuffix).Bind(2, bundle_json).Bind(3, state).Bind(4, now_ms)
        .Bind(5, now_ms).Bind(6, record_id);
    if (const int rc = insert.Step(); rc != SQLITE_DONE) return WriteError(db_, rc, what);
    if (const int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
      return WriteError(db_, rc, what);
    }
    return OkStatus();
  };
  Status written = write();
  if (!written.ok() || marked_elsewhere) {
    if (sqlite3_get_autocommit(db_) == 0) (void)sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    if (!written.ok()) return written;
    return false;
  }
  return true;
}

Result<int64_t> SqliteOutboxBackend::PurgeDelivered(int64_t before_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  SELVHJELP_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE"));
  Statement facts(statements_.Get(db_,
      "DELETE FROM record_facts WHERE record_id IN "
      "(SELECT record_id FROM outbox WHERE state IN ('delivered','stored') AND created_ms<?)"));
  // A record's correction goes with it (it is kept until its record is gone, so no copy is left
  // half-corrected); a pending or parked record or correction is never deleted.
  Statement rows(statements_.Get(db_,
      "DELETE FROM outbox WHERE state IN ('delivered','stored') AND created_ms<? AND (corrects='' OR NOT EXISTS"
      "(SELECT 1 FROM outbox p WHERE p.record_id=outbox.corrects AND p.state NOT IN ('delivered','stored')))"));
  int64_t deleted = 0;
  int rc = facts.Bind(1, before_ms).Step();
  if (rc == SQLITE_DONE) {
    rc = rows.Bind(1, before_ms).Step();
    deleted = sqlite3_changes(db_);
  }
  if (rc != SQLITE_DONE) {
    Status failed = WriteError(db_, rc, "cannot delete expired records");
    (void)Exec(db_, "ROLLBACK");
    return failed;
  }
  if (Status committed = Exec(db_, "COMMIT"); !committed.ok()) {
    (void)Exec(db_, "ROLLBACK");  // never leave the transaction open for the next writer
    return committed;
  }
  return deleted;
}

std::optional<LocalOutcome> SqliteOutboxBackend::LatestOutcome(const std::string& subject_key,
                                                               const std::string& recipient) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  // Corrections carry no outcome; records marked entered-in-error do not count.
  Statement latest(statements_.Get(read_db_,
      "SELECT outcome, override_code, encounter_id, outcome_at FROM outbox WHERE subject_key=? AND recipient=? "
      "AND corrects='' AND NOT EXISTS(SELECT 1 FROM record_facts f WHERE f.record_id=outbox.record_id "
      "AND f.status='entered-in-error') "
      "ORDER BY outcome_at DESC, rowid DESC LIMIT 1"));
  if (latest.Bind(1, subject_key).Bind(2, recipient).Step() != SQLITE_ROW) return std::nullopt;
  return LocalOutcome{latest.Text(0), latest.Text(1), latest.Text(2), latest.Int(3)};
}

Result<std::vector<StoredRecord>> SqliteOutboxBackend::Records(const std::string& subject_key) {
  std::lock_guard<std::mutex> lock(mutex_);
#define SELVHJELP_RECORD_COLUMNS                                                                            \
  "SELECT f.record_id, f.subject_key, f.recipient, f.sent, f.sent_seconds, f.level, f.response, f.encounter_id, " \
  "f.group_ids, f.group_names, f.status, f.status_changed_ms, COALESCE(o.state, '') FROM record_facts f "        \
  "LEFT JOIN outbox o ON o.record_id=f.record_id "
  // Two statements, so a patient's query uses the subject index (an "?='' OR" would scan).
  Statement select(statements_.Get(db_, subject_key.empty()
      ? SELVHJELP_RECORD_COLUMNS "ORDER BY f.sent_seconds, f.record_id"
      : SELVHJELP_RECORD_COLUMNS "WHERE f.subject_key=? ORDER BY f.sent_seconds, f.record_id"));
#undef SELVHJELP_RECORD_COLUMNS
  if (!subject_key.empty()) select.Bind(1, subject_key);
  std::vector<StoredRecord> out;
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) {
    StoredRecord& r = out.emplace_back();
    r.facts = RecordFacts{select.Text(0), select.Text(1), select.Text(2), select.Text(3), select.Int(4),
                          select.Text(5), select.Text(6), select.Text(7), SplitLines(select.Text(8)),
                          SplitLines(select.Text(9))};
    r.status = select.Text(10);
    r.status_changed_ms = select.Int(11);
    r.delivery = select.Text(12);
  }
  if (rc != SQLITE_DONE) return InternalError("store: cannot read the records");
  return out;
}

}  // namespace selvhjelp::plugin
