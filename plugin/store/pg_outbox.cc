#include "plugin/store/pg_outbox.h"

#include <algorithm>

#include "fhir/base/status_macros.h"
#include "plugin/log.h"

namespace selvhjelp::plugin {
namespace {

// Pending rows of alias c that may be sent now: a correction only once the record it corrects
// is delivered (or deleted by retention).
#define SELVHJELP_PG_SENDABLE \
  "c.state='pending' AND (c.corrects='' OR NOT EXISTS(SELECT 1 FROM outbox p WHERE p.record_id=c.corrects " \
  "AND p.state<>'delivered'))"

#define SELVHJELP_PG_ENTRY_COLUMNS \
  "SELECT record_id, state, attempts, created_ms, next_attempt_ms, delivered_ms, last_error, location, subject_key "

// Records written per round trip (ExecAll), so each one's results stay small.
constexpr size_t kRecordsPerRoundTrip = 64;

OutboxEntry ReadEntry(const PgRows& rows, size_t r) {
  return OutboxEntry{rows.Text(r, 0), rows.Text(r, 1), rows.Int(r, 2), rows.Int(r, 3), rows.Int(r, 4),
                     rows.Int(r, 5), rows.Text(r, 6), rows.Text(r, 7), rows.Text(r, 8)};
}

}  // namespace

Result<std::vector<std::optional<std::string>>> PgOutboxBackend::InsertBatch(
    const std::vector<const NewOutboxRecord*>& records) {
  const std::string what = "cannot write the record";
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  // The whole batch in one transaction, sent in one round trip per kRecordsPerRoundTrip records
  // (BEGIN with the first, COMMIT with the last), each statement prepared once per connection.
  // Per record: the outbox row and, only when it is new, its facts (one statement); then the
  // content hash stored under its id, read by a statement of its own so that a row of another
  // instance's batch, which the insert waited for, is seen once committed (and the same id
  // earlier in this batch too).
  std::vector<std::optional<std::string>> existing;
  existing.reserve(records.size());
  for (size_t first = 0; first < records.size() || first == 0; first += kRecordsPerRoundTrip) {
    const size_t last = std::min(records.size(), first + kRecordsPerRoundTrip);
    std::vector<PgStatement> statements;
    if (first == 0) statements.push_back({"BEGIN", {}});
    for (size_t i = first; i < last; ++i) {
      const NewOutboxRecord& r = *records[i];
      const RecordFacts& f = r.facts;
      statements.push_back({
          "WITH row AS (INSERT INTO outbox(record_id, content_hash, bundle, state, created_ms, next_attempt_ms, "
          "subject_key, recipient, outcome, override_code, encounter_id, outcome_at) "
          "VALUES($1,$2,$3,$4,$5,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT(record_id) DO NOTHING RETURNING record_id) "
          "INSERT INTO record_facts(record_id, subject_key, recipient, sent, sent_seconds, level, response, "
          "encounter_id, group_ids, group_names) "
          "SELECT record_id, $6, $7, $12::text, $13::bigint, $14::text, $15::text, $16::text, $17::text, $18::text "
          "FROM row",
          {r.record_id, r.content_hash, r.bundle_json, r.deliver ? "pending" : "stored", r.created_ms, r.subject_key,
           r.recipient, r.outcome.outcome, r.outcome.override_code, r.outcome.encounter_id, r.outcome.at, f.sent,
           f.sent_seconds, f.level, f.response, f.encounter_id, JoinLines(f.group_ids), JoinLines(f.group_names)}});
      statements.push_back({"SELECT content_hash FROM outbox WHERE record_id=$1", {r.record_id}});
    }
    if (last == records.size()) statements.push_back({"COMMIT", {}});
    Result<std::vector<PgRows>> done = conn->ExecAll(statements, what);
    if (!done.ok()) {
      if (conn->Idle()) return done.status();  // nothing was begun (a NUL in a value)
      (void)conn->Exec("ROLLBACK", {}, what);  // else the pool closes it: the server rolls back
      return done.status();
    }
    const size_t offset = first == 0 ? 1 : 0;  // BEGIN's
    for (size_t i = first; i < last; ++i) {
      const PgRows& inserted = (*done)[offset + 2 * (i - first)];
      const PgRows& stored = (*done)[offset + 2 * (i - first) + 1];
      if (inserted.affected() == 1) {
        existing.push_back(std::nullopt);
      } else if (stored.empty()) {
        // The row this id conflicted with was deleted meanwhile (purged by another instance). The
        // last round trip has already committed the batch's other records: a retry of any of them
        // is answered as stored, so nothing is lost.
        (void)conn->Exec("ROLLBACK", {}, what);
        return UnavailableError("store: " + what + ": a record's stored row was deleted meanwhile; retry");
      } else {
        existing.push_back(stored.Text(0, 0));
      }
    }
    if (records.empty()) break;
  }
  return existing;
}

Result<std::optional<OutboxClaim>> PgOutboxBackend::Claim(int64_t now_ms) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  // The claim and the held set change together: a record this process still delivers is never
  // claimed again by another of its workers, even once its lease has run out.
  std::lock_guard<std::mutex> lock(held_mutex_);
  // One statement: the due row nobody holds (a held row is locked or has a live lease: skipped),
  // leased to this process.
  SELVHJELP_ASSIGN_OR_RETURN(PgRows claimed, conn->Exec(
      "UPDATE outbox SET lease_owner=$1, lease_until=$2 WHERE record_id=("
      "SELECT c.record_id FROM outbox c WHERE " SELVHJELP_PG_SENDABLE " AND c.next_attempt_ms<=$3 "
      "AND c.lease_until<=$3 AND NOT (c.record_id=ANY($4::text[])) "
      "ORDER BY c.next_attempt_ms LIMIT 1 FOR UPDATE OF c SKIP LOCKED) "
      "RETURNING record_id, bundle, attempts",
      {owner_, now_ms + lease_ms_, now_ms, PgTextArray(held_)}, "cannot claim a record"));
  if (claimed.empty()) return std::optional<OutboxClaim>();
  held_.insert(claimed.Text(0, 0));
  return std::optional<OutboxClaim>(OutboxClaim{claimed.Text(0, 0), claimed.Text(0, 1), claimed.Int(0, 2)});
}

std::optional<int64_t> PgOutboxBackend::NextDueMs() {
  Result<PgPool::Lease> conn = pool_->Acquire();
  if (!conn.ok()) return std::nullopt;
  // A leased row falls due for the others when its lease ends.
  Result<PgRows> next = (*conn)->Exec(
      "SELECT GREATEST(c.next_attempt_ms, c.lease_until) AS due FROM outbox c WHERE " SELVHJELP_PG_SENDABLE
      " ORDER BY due LIMIT 1", {}, "cannot read the outbox");
  if (!next.ok() || next->empty()) return std::nullopt;
  return next->Int(0, 0);
}

Status PgOutboxBackend::Finish(const std::string& record_id, DeliveryEnd end, const std::string& text,
                               int64_t number) {
  const char* sql = nullptr;
  switch (end) {
    case DeliveryEnd::kDelivered:
      sql = "UPDATE outbox SET state='delivered', attempts=attempts+1, location=$1, delivered_ms=$2, last_error='', "
            "lease_owner='', lease_until=0 WHERE record_id=$3 AND lease_owner=$4";
      break;
    case DeliveryEnd::kRetry:
      sql = "UPDATE outbox SET attempts=attempts+1, last_error=$1, next_attempt_ms=$2, lease_owner='', lease_until=0 "
            "WHERE record_id=$3 AND state='pending' AND lease_owner=$4";
      break;
    case DeliveryEnd::kParked:
      sql = "UPDATE outbox SET state='parked', attempts=attempts+1, last_error=$1, next_attempt_ms=$2, "
            "lease_owner='', lease_until=0 WHERE record_id=$3 AND lease_owner=$4";
      break;
  }
  Result<PgPool::Lease> conn = pool_->Acquire();
  Result<PgRows> updated = conn.ok()
      ? (*conn)->Exec(sql, {text, number, record_id, owner_}, "cannot update the record's state") : conn.status();
  Forget(record_id);  // not delivering it any more: once its lease lapses, any worker may take it
  if (!updated.ok()) return updated.status();
  if (updated->affected() == 0) {
    Log(LogLevel::kWarning, "record.lease_lost",
        "outbox: record " + record_id + ": its lease was taken over by another instance; this outcome is dropped");
    return FailedPreconditionError("outbox: record " + record_id + ": its lease was lost to another instance; outcome dropped");
  }
  return OkStatus();
}

void PgOutboxBackend::Forget(const std::string& record_id) {
  std::lock_guard<std::mutex> lock(held_mutex_);
  held_.erase(record_id);
}

void PgOutboxBackend::Release(const std::string& record_id) {
  Forget(record_id);
  Result<PgPool::Lease> conn = pool_->Acquire();
  if (!conn.ok()) return;  // the lease then simply expires
  (void)(*conn)->Exec("UPDATE outbox SET lease_owner='', lease_until=0 WHERE record_id=$1 AND lease_owner=$2",
                      {record_id, owner_}, "cannot release a record");
}

Result<std::vector<OutboxEntry>> PgOutboxBackend::List(const std::string& state, int limit) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec(
      SELVHJELP_PG_ENTRY_COLUMNS "FROM outbox WHERE $1='' OR state=$1 "
      "ORDER BY created_ms DESC, record_id COLLATE \"C\" LIMIT $2", {state, limit}, "cannot list the outbox"));
  std::vector<OutboxEntry> out;
  for (size_t r = 0; r < rows.size(); ++r) out.push_back(ReadEntry(rows, r));
  return out;
}

Result<std::optional<OutboxEntry>> PgOutboxBackend::Get(const std::string& record_id) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec(SELVHJELP_PG_ENTRY_COLUMNS "FROM outbox WHERE record_id=$1",
                                                     {record_id}, "cannot read the outbox"));
  if (rows.empty()) return std::optional<OutboxEntry>();
  return std::optional<OutboxEntry>(ReadEntry(rows, 0));
}

Result<int64_t> PgOutboxBackend::Retry(const std::vector<std::string>& record_ids) {
  const std::string what = "cannot retry records";
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  if (record_ids.empty()) {
    SELVHJELP_ASSIGN_OR_RETURN(PgRows all, conn->Exec(
        "UPDATE outbox SET state='pending', next_attempt_ms=0 WHERE state='parked'", {}, what));
    return all.affected();
  }
  int64_t changed = 0;
  SELVHJELP_RETURN_IF_ERROR(InTransaction(*conn, what, [&]() -> Status {
    for (const std::string& id : record_ids) {
      SELVHJELP_ASSIGN_OR_RETURN(PgRows one, conn->Exec(
          "UPDATE outbox SET state='pending', next_attempt_ms=0 WHERE record_id=$1 AND state='parked'", {id}, what));
      changed += one.affected();
    }
    return OkStatus();
  }));
  return changed;
}

Result<OutboxCounts> PgOutboxBackend::Counts() {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec(
      "SELECT state, COUNT(*), MIN(created_ms) FROM outbox GROUP BY state", {}, "cannot count the outbox"));
  OutboxCounts counts;
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::string& state = rows.Text(r, 0);
    if (state == "pending") {
      counts.pending = rows.Int(r, 1);
      counts.oldest_pending_ms = rows.Int(r, 2);
    } else if (state == "delivered") {
      counts.delivered = rows.Int(r, 1);
    } else if (state == "parked") {
      counts.parked = rows.Int(r, 1);
    } else if (state == "stored") {
      counts.stored = rows.Int(r, 1);
    }
  }
  return counts;
}

std::optional<LocalOutcome> PgOutboxBackend::LatestOutcome(const std::string& subject_key,
                                                           const std::string& recipient) {
  Result<PgPool::Lease> conn = pool_->Acquire();
  if (!conn.ok()) return std::nullopt;
  Result<PgRows> rows = (*conn)->ExecPrepared(SELVHJELP_PG_LATEST_RECORD("$2"), {subject_key, recipient},
                                              "cannot read the outbox");
  if (!rows.ok() || rows->empty()) return std::nullopt;
  return LocalOutcome{rows->Text(0, 0), rows->Text(0, 1), rows->Text(0, 2), rows->Int(0, 3)};
}

Result<std::vector<StoredRecord>> PgOutboxBackend::Records(const std::string& subject_key) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
#define SELVHJELP_PG_RECORD_COLUMNS                                                                          \
  "SELECT f.record_id, f.subject_key, f.recipient, f.sent, f.sent_seconds, f.level, f.response, f.encounter_id, " \
  "f.group_ids, f.group_names, f.status, f.status_changed_ms, COALESCE(o.state, '') FROM record_facts f "        \
  "LEFT JOIN outbox o ON o.record_id=f.record_id "
  const std::string what = "cannot read the records";
  Result<PgRows> rows = subject_key.empty()
      ? conn->Exec(SELVHJELP_PG_RECORD_COLUMNS "ORDER BY f.sent_seconds, f.record_id COLLATE \"C\"", {}, what)
      : conn->Exec(SELVHJELP_PG_RECORD_COLUMNS "WHERE f.subject_key=$1 ORDER BY f.sent_seconds, f.record_id COLLATE \"C\"",
                   {subject_key}, what);
#undef SELVHJELP_PG_RECORD_COLUMNS
  if (!rows.ok()) return rows.status();
  std::vector<StoredRecord> out;
  for (size_t r = 0; r < rows->size(); ++r) {
    StoredRecord& s = out.emplace_back();
    s.facts = RecordFacts{rows->Text(r, 0), rows->Text(r, 1), rows->Text(r, 2), rows->Text(r, 3), rows->Int(r, 4),
                          rows->Text(r, 5), rows->Text(r, 6), rows->Text(r, 7), SplitLines(rows->Text(r, 8)),
                          SplitLines(rows->Text(r, 9))};
    s.status = rows->Text(r, 10);
    s.status_changed_ms = rows->Int(r, 11);
    s.delivery = rows->Text(r, 12);
  }
  return out;
}

Result<std::optional<CorrectionTarget>> PgOutboxBackend::FindForCorrection(const std::string& record_id) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec(
      "SELECT o.bundle, o.state, f.status FROM outbox o JOIN record_facts f ON f.record_id=o.record_id "
      "WHERE o.record_id=$1", {record_id}, "cannot read the record"));
  if (rows.empty()) return std::optional<CorrectionTarget>();
  return std::optional<CorrectionTarget>(CorrectionTarget{rows.Text(0, 0), rows.Text(0, 1), rows.Text(0, 2)});
}

Result<bool> PgOutboxBackend::MarkAndQueueCorrection(const std::string& record_id, int64_t now_ms,
                                                     const std::string& bundle_json, const std::string& state) {
  const std::string what = "cannot mark the record entered-in-error";
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  bool marked = false;
  SELVHJELP_RETURN_IF_ERROR(InTransaction(*conn, what, [&]() -> Status {
    SELVHJELP_ASSIGN_OR_RETURN(PgRows mark, conn->Exec(
        "UPDATE record_facts SET status='entered-in-error', status_changed_ms=$1 WHERE record_id=$2 AND status='active'",
        {now_ms, record_id}, what));
    if (mark.affected() == 0) return OkStatus();  // marked by another instance meanwhile: nothing to write
    marked = true;
    return conn->Exec(
        "INSERT INTO outbox(record_id, content_hash, bundle, state, created_ms, next_attempt_ms, subject_key, "
        "recipient, outcome, override_code, encounter_id, outcome_at, corrects) "
        "SELECT $1::text, '', $2::text, $3::text, $4::bigint, $4::bigint, subject_key, recipient, '', '', '', 0, "
        "record_id FROM outbox WHERE record_id=$5",
        {record_id + kCorrectionSuffix, bundle_json, state, now_ms, record_id}, what).status();
  }));
  return marked;
}

Result<int64_t> PgOutboxBackend::PurgeDelivered(int64_t before_ms) {
  const std::string what = "cannot delete expired records";
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  int64_t deleted = 0;
  SELVHJELP_RETURN_IF_ERROR(InTransaction(*conn, what, [&]() -> Status {
    SELVHJELP_RETURN_IF_ERROR(conn->Exec(
        "DELETE FROM record_facts WHERE record_id IN "
        "(SELECT record_id FROM outbox WHERE state IN ('delivered','stored') AND created_ms<$1)", {before_ms}, what)
        .status());
    // A record's correction goes with it; a pending or parked record or correction is never deleted.
    SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec(
        "DELETE FROM outbox o WHERE state IN ('delivered','stored') AND created_ms<$1 AND (corrects='' OR NOT EXISTS"
        "(SELECT 1 FROM outbox p WHERE p.record_id=o.corrects AND p.state NOT IN ('delivered','stored')))",
        {before_ms}, what));
    deleted = rows.affected();
    return OkStatus();
  }));
  return deleted;
}

}  // namespace selvhjelp::plugin
