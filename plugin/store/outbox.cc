#include "plugin/store/outbox.h"

#include <algorithm>
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
)sql";

// A correction (entered-in-error) waits for the record it corrects: `corrects` names it. Added
// to stores made before corrections existed.
constexpr const char* kCorrectsColumn = "ALTER TABLE outbox ADD COLUMN corrects TEXT NOT NULL DEFAULT ''";

// Pending rows that may be sent now: a correction only once the record it corrects is delivered
// (or deleted by retention).
#define SELVHJELP_SENDABLE \
  "state='pending' AND (corrects='' OR NOT EXISTS(SELECT 1 FROM outbox p WHERE p.record_id=outbox.corrects " \
  "AND p.state<>'delivered'))"

constexpr const char* kCorrectionSuffix = "/entered-in-error";

// An entry from a row of record_id, state, attempts, created_ms, next_attempt_ms, delivered_ms,
// last_error, location, subject_key.
OutboxEntry ReadEntry(Statement& s) {
  return OutboxEntry{s.Text(0), s.Text(1), s.Int(2), s.Int(3), s.Int(4), s.Int(5), s.Text(6), s.Text(7), s.Text(8)};
}

}  // namespace

Outbox::~Outbox() { sqlite3_close_v2(db_); }

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::filesystem::path& file, WriteHealth* health,
                                             OutboxOptions options) {
  std::unique_ptr<Outbox> outbox(new Outbox());
  outbox->health_ = health;
  outbox->options_ = options;
  SELVHJELP_ASSIGN_OR_RETURN(outbox->db_, OpenConnection(file, "FULL"));
  SELVHJELP_RETURN_IF_ERROR(Exec(outbox->db_, kSchema));
  SELVHJELP_RETURN_IF_ERROR(Exec(outbox->db_, kRecordFactsSchema));
  if (sqlite3_stmt* probe = outbox->statements_.Get(outbox->db_, "SELECT corrects FROM outbox LIMIT 0"); probe == nullptr) {
    SELVHJELP_RETURN_IF_ERROR(Exec(outbox->db_, kCorrectsColumn));
  }
  {
    std::lock_guard<std::mutex> lock(outbox->mutex_);
    outbox->PurgeIfDueLocked(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count());
  }
  return outbox;
}

struct Outbox::Waiter {
  const NewOutboxRecord& record;
  std::optional<Result<Enqueued>> result;  // set by the caller committing the batch
  bool done = false;                       // result is set; guarded by queue_mutex_
};

Result<Outbox::Enqueued> Outbox::Enqueue(const NewOutboxRecord& r) {
  Waiter self{r, std::nullopt};
  std::unique_lock<std::mutex> lock(queue_mutex_);
  queue_.push_back(&self);
  if (committing_) arrived_.notify_one();
  // Leader and followers: whoever finds no commit running commits everything queued (its own
  // record among it) while later callers queue up for the next commit.
  while (!self.done) {
    if (committing_) {
      committed_.wait(lock);
      continue;
    }
    committing_ = true;
    // The callers of the last batch are likely on their way back with their next record: wait
    // for them a little (at most half a commit's time), or batches alternate between the few that
    // came during a commit and the many that come right after it.
    if (queue_.size() < last_batch_) {
      arrived_.wait_for(lock, last_commit_ / 2, [this] { return queue_.size() >= last_batch_; });
    }
    std::vector<Waiter*> batch;
    batch.swap(queue_);
    lock.unlock();
    const auto start = std::chrono::steady_clock::now();
    CommitBatch(batch);
    const auto took = std::chrono::steady_clock::now() - start;
    lock.lock();
    committing_ = false;
    last_batch_ = batch.size();
    last_commit_ = std::min<std::chrono::steady_clock::duration>(took, std::chrono::milliseconds(10));
    for (Waiter* w : batch) w->done = true;
    committed_.notify_all();
  }
  return std::move(*self.result);
}

Status Outbox::WriteBatch(const std::vector<Waiter*>& batch) {
  const std::string what = "cannot write the record";
  if (const int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
    return WriteError(db_, rc, what);
  }
  for (Waiter* w : batch) {
    const NewOutboxRecord& r = w->record;
    // Sees the records written before it in this transaction too.
    Statement existing(statements_.Get(db_, "SELECT content_hash FROM outbox WHERE record_id=?"));
    if (const int rc = existing.Bind(1, r.record_id).Step(); rc == SQLITE_ROW) {
      if (existing.Text(0) == r.content_hash) {
        w->result = Enqueued::kAlreadyStored;
      } else {
        w->result = AlreadyExistsError("id: record " + r.record_id + " is already stored with different content");
      }
      continue;
    } else if (rc != SQLITE_DONE) {
      return WriteError(db_, rc, what);
    }
    Statement insert(statements_.Get(db_,
        "INSERT INTO outbox(record_id, content_hash, bundle, state, created_ms, next_attempt_ms, subject_key, "
        "recipient, outcome, override_code, encounter_id, outcome_at) VALUES(?1,?2,?3,?12,?4,?5,?6,?7,?8,?9,?10,?11)"));
    insert.Bind(1, r.record_id).Bind(2, r.content_hash).Bind(3, r.bundle_json).Bind(4, r.created_ms)
        .Bind(5, r.created_ms).Bind(6, r.subject_key).Bind(7, r.recipient).Bind(8, r.outcome.outcome)
        .Bind(9, r.outcome.override_code).Bind(10, r.outcome.encounter_id).Bind(11, r.outcome.at)
        .Bind(12, std::string(r.deliver ? "pending" : "stored"));
    if (const int rc = insert.Step(); rc != SQLITE_DONE) return WriteError(db_, rc, what);
    RecordFacts facts = r.facts;
    facts.record_id = r.record_id;
    facts.subject_key = r.subject_key;
    facts.recipient = r.recipient;
    SELVHJELP_RETURN_IF_ERROR(InsertRecordFacts(db_, statements_, facts));
    w->result = Enqueued::kNew;
  }
  // synchronous=FULL: durable when COMMIT returns.
  if (const int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
    return WriteError(db_, rc, what);
  }
  return OkStatus();
}

void Outbox::CommitBatch(const std::vector<Waiter*>& batch) {
  std::lock_guard<std::mutex> lock(mutex_);
  Status failed = WriteBatch(batch);
  NoteWrite(failed);
  if (!failed.ok()) {
    if (sqlite3_get_autocommit(db_) == 0) (void)sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    for (Waiter* w : batch) w->result = failed;
  } else if (!batch.empty()) {
    PurgeIfDueLocked(batch.back()->record.created_ms);  // records kept, never sent (writeBack none), expire too
  }
}

Result<std::optional<Outbox::Claimed>> Outbox::ClaimDue(int64_t now_ms) {
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
    return std::optional<Claimed>(Claimed{std::move(id), due.Text(1), due.Int(2)});
  }
  return std::optional<Claimed>();
}

std::optional<int64_t> Outbox::NextDueMs() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement next(statements_.Get(db_,
      "SELECT record_id, next_attempt_ms FROM outbox WHERE " SELVHJELP_SENDABLE " ORDER BY next_attempt_ms LIMIT ?"));
  next.Bind(1, static_cast<int64_t>(held_.size() + 1));
  for (int rc = next.Step(); rc == SQLITE_ROW; rc = next.Step()) {
    if (!held_.count(next.Text(0))) return next.Int(1);
  }
  return std::nullopt;
}

Status Outbox::Finish(const std::string& record_id, const char* sql, const std::string& text, int64_t number) {
  std::lock_guard<std::mutex> lock(mutex_);
  held_.erase(record_id);
  Statement update(statements_.Get(db_, sql));
  const int rc = update.Bind(1, text).Bind(2, number).Bind(3, record_id).Step();
  Status updated = rc == SQLITE_DONE ? OkStatus() : WriteError(db_, rc, "cannot update the record's state");
  NoteWrite(updated);
  return updated;
}

void Outbox::Release(const std::string& record_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  held_.erase(record_id);
}

Status Outbox::MarkDelivered(const std::string& record_id, const std::string& location, int64_t now_ms) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    PurgeIfDueLocked(now_ms);
  }
  return Finish(record_id,
                "UPDATE outbox SET state='delivered', attempts=attempts+1, location=?, delivered_ms=?, "
                "last_error='' WHERE record_id=?",
                location, now_ms);
}

Status Outbox::MarkRetry(const std::string& record_id, int64_t next_attempt_ms, const std::string& error) {
  return Finish(record_id,
                "UPDATE outbox SET attempts=attempts+1, last_error=?, next_attempt_ms=? WHERE record_id=? "
                "AND state='pending'",
                error, next_attempt_ms);
}

Status Outbox::MarkParked(const std::string& record_id, const std::string& reason) {
  return Finish(record_id,
                "UPDATE outbox SET state='parked', attempts=attempts+1, last_error=?, next_attempt_ms=? "
                "WHERE record_id=?",
                reason, int64_t{0});
}

Result<std::vector<OutboxEntry>> Outbox::List(const std::string& state, int limit) {
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

Result<std::optional<OutboxEntry>> Outbox::Get(const std::string& record_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement get(statements_.Get(db_,
      "SELECT record_id, state, attempts, created_ms, next_attempt_ms, delivered_ms, last_error, location, subject_key "
      "FROM outbox WHERE record_id=?"));
  if (get.Bind(1, record_id).Step() != SQLITE_ROW) return std::optional<OutboxEntry>();
  return std::optional<OutboxEntry>(ReadEntry(get));
}

Result<int64_t> Outbox::Retry(const std::vector<std::string>& record_ids) {
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

Result<OutboxCounts> Outbox::Counts() {
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

Result<Outbox::Marked> Outbox::MarkEnteredInError(const std::string& record_id, int64_t now_ms,
                                                  const std::function<Result<std::string>(const std::string&)>& correction) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string original, subject_key, recipient, status, state;
  {  // read and reset before BEGIN IMMEDIATE: a statement left on a row would hold a read
     // transaction that SQLite cannot upgrade while another connection writes (no busy wait)
    Statement find(statements_.Get(db_,
        "SELECT o.bundle, o.subject_key, o.recipient, f.status, o.state FROM outbox o JOIN record_facts f "
        "ON f.record_id=o.record_id WHERE o.record_id=?"));
    const int found = find.Bind(1, record_id).Step();
    if (found == SQLITE_DONE) return NotFoundError("no record with this id");
    if (found != SQLITE_ROW) return InternalError("store: cannot read the record");
    original = find.Text(0), subject_key = find.Text(1), recipient = find.Text(2), status = find.Text(3), state = find.Text(4);
  }
  if (status == kRecordEnteredInError) return Marked::kAlreadyMarked;
  SELVHJELP_ASSIGN_OR_RETURN(const std::string bundle, correction(original));
  // A record never sent (records.writeBack none) has no EHR copy: its correction is kept, not sent.
  const std::string correction_state = state == "stored" ? "stored" : "pending";
  const std::string what = "cannot mark the record entered-in-error";
  bool marked_elsewhere = false;  // by another process since the read above
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
        "VALUES(?,'',?,?,?,?,?,?,'','','',0,?)"));
    insert.Bind(1, record_id + kCorrectionSuffix).Bind(2, bundle).Bind(3, correction_state).Bind(4, now_ms)
        .Bind(5, now_ms).Bind(6, subject_key).Bind(7, recipient).Bind(8, record_id);
    if (const int rc = insert.Step(); rc != SQLITE_DONE) return WriteError(db_, rc, what);
    if (const int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
      return WriteError(db_, rc, what);
    }
    return OkStatus();
  };
  Status written = write();
  NoteWrite(written);
  if (!written.ok() || marked_elsewhere) {
    if (sqlite3_get_autocommit(db_) == 0) (void)sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    if (!written.ok()) return written;
    return Marked::kAlreadyMarked;
  }
  return Marked::kMarked;
}

void Outbox::PurgeIfDueLocked(int64_t now_ms) {
  if (options_.retention_ms <= 0 || now_ms - last_purge_ms_ < 3600 * 1000) return;  // 0: records are kept
  last_purge_ms_ = now_ms;
  NoteWrite(PurgeDeliveredLocked(now_ms - options_.retention_ms).status());  // tried again in an hour
}

Result<int64_t> Outbox::PurgeDelivered(int64_t before_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  return PurgeDeliveredLocked(before_ms);
}

Result<int64_t> Outbox::PurgeDeliveredLocked(int64_t before_ms) {
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

std::optional<LocalOutcome> Outbox::LatestOutcome(const std::string& subject_key, const std::string& recipient) const {
  std::lock_guard<std::mutex> lock(mutex_);
  // Corrections carry no outcome; records marked entered-in-error do not count.
  Statement latest(statements_.Get(db_,
      "SELECT outcome, override_code, encounter_id, outcome_at FROM outbox WHERE subject_key=? AND recipient=? "
      "AND corrects='' AND NOT EXISTS(SELECT 1 FROM record_facts f WHERE f.record_id=outbox.record_id "
      "AND f.status='entered-in-error') "
      "ORDER BY outcome_at DESC, rowid DESC LIMIT 1"));
  if (latest.Bind(1, subject_key).Bind(2, recipient).Step() != SQLITE_ROW) return std::nullopt;
  return LocalOutcome{latest.Text(0), latest.Text(1), latest.Text(2), latest.Int(3)};
}

Result<std::vector<StoredRecord>> Outbox::Records(const std::string& subject_key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return SelectRecords(db_, statements_, subject_key);
}

}  // namespace selvhjelp::plugin
