#include "plugin/store/pg_ledger.h"

#include <algorithm>
#include <string>

#include "fhir/base/status_macros.h"
#include "plugin/store/pg_outbox.h"

namespace selvhjelp::plugin {

namespace {

// Cards written per round trip (PgLedgerBackend::WriteCards), as the outbox's records.
constexpr size_t kCardsPerRoundTrip = 64;

// The report's text came from the source (a record's id in a rejected line, a header): a NUL,
// which libpq cannot send, is left out rather than losing the whole report.
std::string WithoutNul(std::string text) {
  std::erase(text, '\0');
  return text;
}

}  // namespace

Result<std::string> PgLedgerBackend::Salt(const std::string& fresh) {
  const std::string what = "cannot read the salt";
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  // Two instances starting at once: the first insert wins and both read it.
  SELVHJELP_RETURN_IF_ERROR(
      conn->Exec("INSERT INTO meta(key, value) VALUES('salt', $1) ON CONFLICT(key) DO NOTHING", {fresh}, what).status());
  SELVHJELP_ASSIGN_OR_RETURN(PgRows salt, conn->Exec("SELECT value FROM meta WHERE key='salt'", {}, what));
  if (salt.empty()) return UnavailableError("store: " + what);
  return salt.Text(0, 0);
}

Result<std::vector<std::pair<std::string, LocalOutcome>>> PgLedgerBackend::LoadOutcomes() {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec(
      "SELECT subject_key, recipient, outcome, override_code, encounter_id, at FROM outcomes", {},
      "cannot read outcomes"));
  std::vector<std::pair<std::string, LocalOutcome>> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.emplace_back(rows.Text(r, 0) + "\n" + rows.Text(r, 1),
                     LocalOutcome{rows.Text(r, 2), rows.Text(r, 3), rows.Text(r, 4), rows.Int(r, 5)});
  }
  return out;
}

std::optional<LocalOutcome> PgLedgerBackend::ReadOutcome(const std::string& subject_key, const std::string& recipient) {
  Result<PgPool::Lease> conn = pool_->Acquire();
  if (!conn.ok()) return std::nullopt;
  Result<PgRows> rows = (*conn)->ExecPrepared(
      "SELECT outcome, override_code, encounter_id, at FROM outcomes WHERE subject_key=$1 AND recipient=$2",
      {subject_key, recipient}, "cannot read outcomes");
  if (!rows.ok() || rows->empty()) return std::nullopt;
  return LocalOutcome{rows->Text(0, 0), rows->Text(0, 1), rows->Text(0, 2), rows->Int(0, 3)};
}

std::optional<std::vector<std::optional<LocalOutcome>>> PgLedgerBackend::ReadLatestOutcomes(
    const std::string& subject_key, const std::vector<std::string>& recipients, const OutboxBackend* records) {
  const auto* pg_records = dynamic_cast<const PgOutboxBackend*>(records);
  if (records != nullptr && (pg_records == nullptr || !pg_records->Uses(*pool_))) return std::nullopt;
  std::vector<std::optional<LocalOutcome>> latest(recipients.size());
  Result<PgPool::Lease> conn = pool_->Acquire();
  if (!conn.ok()) return latest;  // unreadable: none, as each read on its own would say
  // One row per recipient, in the order asked: the feedback's outcome (l) and, when $3, the
  // latest record's (r); has_l / has_r say whether there is one.
  Result<PgRows> rows = (*conn)->ExecPrepared(
      "SELECT l.at IS NOT NULL, l.outcome, l.override_code, l.encounter_id, l.at, "
      "r.outcome_at IS NOT NULL, r.outcome, r.override_code, r.encounter_id, r.outcome_at "
      "FROM unnest($2::text[]) WITH ORDINALITY AS k(recipient, n) "
      "LEFT JOIN outcomes l ON l.subject_key=$1 AND l.recipient=k.recipient "
      "LEFT JOIN LATERAL (" SELVHJELP_PG_LATEST_RECORD("k.recipient") ") r ON $3::boolean "
      "ORDER BY k.n",
      {subject_key, PgTextArray(recipients), records != nullptr ? "true" : "false"}, "cannot read outcomes");
  if (!rows.ok() || rows->size() != recipients.size()) return latest;
  for (size_t i = 0; i < recipients.size(); ++i) {
    if (rows->Text(i, 0) == "t") {
      latest[i] = LocalOutcome{rows->Text(i, 1), rows->Text(i, 2), rows->Text(i, 3), rows->Int(i, 4)};
    }
    if (rows->Text(i, 5) == "t") {
      TakeLaterRecord(latest[i], LocalOutcome{rows->Text(i, 6), rows->Text(i, 7), rows->Text(i, 8), rows->Int(i, 9)});
    }
  }
  return latest;
}

Status PgLedgerBackend::WriteCards(const std::vector<CardIssued>& cards) {
  const std::string what = "cannot record card";
  if (cards.empty()) return OkStatus();
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  // The batch in one transaction, sent in one round trip per kCardsPerRoundTrip cards (BEGIN with
  // the first, COMMIT with the last), the insert prepared once per connection: a round trip a card
  // cost the database more CPU than the hook calls that issued them.
  for (size_t first = 0; first < cards.size(); first += kCardsPerRoundTrip) {
    const size_t last = std::min(cards.size(), first + kCardsPerRoundTrip);
    std::vector<PgStatement> statements;
    if (first == 0) {
      statements.push_back({"BEGIN", {}});
      statements.push_back({"SET LOCAL synchronous_commit=off", {}});
    }
    for (size_t i = first; i < last; ++i) {
      const CardIssued& card = cards[i];
      statements.push_back({"INSERT INTO cards(card_uuid, service_id, subject_key, encounter_id, recipient, issued_at) "
                            "VALUES($1,$2,$3,$4,$5,$6) ON CONFLICT(card_uuid) DO NOTHING",
                            {card.card_uuid, card.service_id, card.subject_key, card.encounter_id, card.recipient,
                             card.issued_at}});
    }
    if (last == cards.size()) statements.push_back({"COMMIT", {}});
    Result<std::vector<PgRows>> done = conn->ExecAll(statements, what);
    if (!done.ok()) {
      if (!conn->Idle()) (void)conn->Exec("ROLLBACK", {}, what);  // else nothing was begun (a NUL in a value)
      return done.status();
    }
  }
  return OkStatus();
}

Status PgLedgerBackend::PurgeCards(int64_t issued_before) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  return conn->Exec("DELETE FROM cards WHERE issued_at < $1", {issued_before}, "cannot delete expired cards").status();
}

Result<LedgerBackend::FeedbackWritten> PgLedgerBackend::WriteFeedback(const std::vector<FeedbackEntry>& entries,
                                                                      int64_t received_at) {
  const std::string what = "cannot record feedback";
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  FeedbackWritten written;
  SELVHJELP_RETURN_IF_ERROR(InTransaction(*conn, what, [&]() -> Status {
    for (const FeedbackEntry& e : entries) {
      SELVHJELP_ASSIGN_OR_RETURN(PgRows card, conn->Exec(
          "SELECT subject_key, recipient, encounter_id FROM cards WHERE card_uuid=$1", {e.card_uuid}, what));
      const bool is_known = !card.empty();
      if (!is_known) ++written.unknown_cards;
      SELVHJELP_ASSIGN_OR_RETURN(PgRows inserted, conn->Exec(
          "INSERT INTO feedback(card_uuid, outcome, accepted_suggestions, override_code, outcome_timestamp, "
          "has_user_comment, known_card, received_at) VALUES($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING",
          {e.card_uuid, e.outcome, e.accepted_suggestions, e.override_code, e.outcome_timestamp,
           int64_t{e.has_user_comment}, int64_t{is_known}, received_at}, what));
      // Only new feedback moves the latest outcome: a repeated post must not make an old answer
      // look recent.
      if (!is_known || inserted.affected() == 0) continue;
      SELVHJELP_RETURN_IF_ERROR(conn->Exec(
          "INSERT INTO outcomes(subject_key, recipient, outcome, override_code, encounter_id, at) "
          "VALUES($1,$2,$3,$4,$5,$6) ON CONFLICT(subject_key, recipient) DO UPDATE SET outcome=EXCLUDED.outcome, "
          "override_code=EXCLUDED.override_code, encounter_id=EXCLUDED.encounter_id, at=EXCLUDED.at "
          "WHERE EXCLUDED.at >= outcomes.at",
          {card.Text(0, 0), card.Text(0, 1), e.outcome, e.override_code, card.Text(0, 2), received_at},
          "cannot record outcome").status());
      written.changed.push_back({card.Text(0, 0) + "\n" + card.Text(0, 1),
                                 LocalOutcome{e.outcome, e.override_code, card.Text(0, 2), received_at}});
    }
    return OkStatus();
  }));
  return written;
}

Result<int64_t> PgLedgerBackend::CountFeedback() {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec("SELECT COUNT(*) FROM feedback", {}, "cannot count feedback"));
  return rows.Int(0, 0);
}

Status PgLedgerBackend::SaveSnapshot(const std::string& source, const std::string& groups_json, int64_t saved_at) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  return conn->Exec(
      "INSERT INTO source_snapshots(source, saved_at, groups_json) VALUES($1,$2,$3) ON CONFLICT(source) "
      "DO UPDATE SET saved_at=EXCLUDED.saved_at, groups_json=EXCLUDED.groups_json",
      {source, saved_at, groups_json}, "cannot save snapshot").status();
}

Result<std::optional<SourceSnapshot>> PgLedgerBackend::LoadSnapshot(const std::string& source) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  // One statement: the content and its version are of the same commit.
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec(
      "SELECT s.saved_at, s.groups_json, COALESCE(r.version, 0), COALESCE(r.etag, ''), COALESCE(r.last_modified, '') "
      "FROM source_snapshots s LEFT JOIN source_refresh r ON r.source=s.source WHERE s.source=$1",
      {source}, "cannot read snapshot"));
  if (rows.empty()) return std::optional<SourceSnapshot>();
  return std::optional<SourceSnapshot>(
      SourceSnapshot{rows.Int(0, 0), rows.Text(0, 1), rows.Int(0, 2), rows.Text(0, 3), rows.Text(0, 4)});
}

Result<SourceReadClaim> PgLedgerBackend::ClaimSourceRead(const std::string& source, int64_t now) {
  const std::string what = "cannot claim a group source's read";
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  // One statement, so two instances never both claim: the row is created claimed, or taken when
  // it is due and its lease is ours or has run out (a concurrent claim waits for the row's lock
  // and then finds the new lease).
  SELVHJELP_ASSIGN_OR_RETURN(PgRows claimed, conn->Exec(
      "INSERT INTO source_refresh(source, lease_owner, lease_until) VALUES($1,$2,$3) ON CONFLICT(source) DO UPDATE "
      "SET lease_owner=EXCLUDED.lease_owner, lease_until=EXCLUDED.lease_until WHERE source_refresh.next_read_at<=$4 "
      "AND (source_refresh.lease_until<=$4 OR source_refresh.lease_owner=$2) RETURNING 1",
      {source, owner_, now + lease_seconds_, now}, what));
  if (!claimed.empty()) return SourceReadClaim{true, {}};
  SELVHJELP_ASSIGN_OR_RETURN(PgRows row, conn->Exec(
      "SELECT version, next_read_at, attempted_at, succeeded_at, last_error, refused_groups, rejected "
      "FROM source_refresh WHERE source=$1", {source}, what));
  if (row.empty()) return UnavailableError("store: " + what);  // rows are never deleted
  return SourceReadClaim{false, SharedSourceState{row.Int(0, 0), row.Int(0, 1), row.Int(0, 2), row.Int(0, 3),
                                                  row.Text(0, 4), row.Int(0, 5), row.Text(0, 6)}};
}

Result<int64_t> PgLedgerBackend::FinishSourceRead(const std::string& source, const SourceReadReport& r) {
  const std::string what = "cannot record a group source's read";
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  int64_t version = 0;
  SELVHJELP_RETURN_IF_ERROR(InTransaction(*conn, what, [&]() -> Status {
    SELVHJELP_ASSIGN_OR_RETURN(PgRows updated, conn->Exec(
        "UPDATE source_refresh SET lease_owner='', lease_until=0, next_read_at=$3, attempted_at=$4, "
        "succeeded_at=CASE WHEN $5='' THEN $4 ELSE succeeded_at END, last_error=$5, refused_groups=$6, rejected=$7, "
        "version=version+$8, etag=CASE WHEN $8=1 THEN $9 ELSE etag END, "
        "last_modified=CASE WHEN $8=1 THEN $10 ELSE last_modified END "
        "WHERE source=$1 AND lease_owner=$2 RETURNING version",
        {source, owner_, r.next_read_at, r.attempted_at, WithoutNul(r.error), r.refused_groups,
         WithoutNul(r.rejected), int64_t{r.changed}, WithoutNul(r.etag), WithoutNul(r.last_modified)}, what));
    if (updated.empty()) {
      return FailedPreconditionError("store: group source " + source +
                                     ": its read was taken over by another instance; this read is not shared");
    }
    version = updated.Int(0, 0);
    if (!r.changed) return OkStatus();
    return conn->Exec(
        "INSERT INTO source_snapshots(source, saved_at, groups_json) VALUES($1,$2,$3) ON CONFLICT(source) "
        "DO UPDATE SET saved_at=EXCLUDED.saved_at, groups_json=EXCLUDED.groups_json",
        {source, r.attempted_at, r.groups_json}, "cannot save snapshot").status();
  }));
  return version;
}

Status PgLedgerBackend::Probe(int64_t now_ms) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  return conn->Exec("INSERT INTO write_probe(id, at) VALUES(1, $1) ON CONFLICT(id) DO UPDATE SET at=EXCLUDED.at",
                    {now_ms}, "write probe").status();
}

}  // namespace selvhjelp::plugin
