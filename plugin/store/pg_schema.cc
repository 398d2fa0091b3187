#include "plugin/store/pg_schema.h"

#include <string>

#include "fhir/base/status_macros.h"

namespace selvhjelp::plugin {
namespace {

// Migrations in order; version i + 1 is kMigrations[i]. Never edit one that has shipped: add the
// next. The tables mirror the SQLite store's (sqlite_ledger.cc, sqlite_outbox.cc, jti_table.cc),
// plus the outbox's leases (lease_owner, lease_until) and an insertion order (seq); then what
// only a shared store needs.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cards(
  card_uuid TEXT PRIMARY KEY, service_id TEXT NOT NULL, subject_key TEXT NOT NULL,
  encounter_id TEXT NOT NULL, recipient TEXT NOT NULL, issued_at BIGINT NOT NULL);
CREATE INDEX cards_issued ON cards(issued_at);
CREATE TABLE feedback(
  card_uuid TEXT NOT NULL, outcome TEXT NOT NULL, accepted_suggestions TEXT NOT NULL,
  override_code TEXT NOT NULL, outcome_timestamp TEXT NOT NULL, has_user_comment INTEGER NOT NULL,
  known_card INTEGER NOT NULL, received_at BIGINT NOT NULL,
  PRIMARY KEY(card_uuid, outcome, accepted_suggestions, outcome_timestamp));
CREATE TABLE source_snapshots(source TEXT PRIMARY KEY, saved_at BIGINT NOT NULL, groups_json TEXT NOT NULL);
CREATE TABLE outcomes(
  subject_key TEXT NOT NULL, recipient TEXT NOT NULL, outcome TEXT NOT NULL,
  override_code TEXT NOT NULL, encounter_id TEXT NOT NULL, at BIGINT NOT NULL,
  PRIMARY KEY(subject_key, recipient));
CREATE TABLE write_probe(id INTEGER PRIMARY KEY, at BIGINT NOT NULL);
CREATE TABLE outbox(
  seq BIGSERIAL UNIQUE, record_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, bundle TEXT NOT NULL,
  state TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
  created_ms BIGINT NOT NULL, next_attempt_ms BIGINT NOT NULL, delivered_ms BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', location TEXT NOT NULL DEFAULT '',
  subject_key TEXT NOT NULL, recipient TEXT NOT NULL, outcome TEXT NOT NULL, override_code TEXT NOT NULL,
  encounter_id TEXT NOT NULL, outcome_at BIGINT NOT NULL, corrects TEXT NOT NULL DEFAULT '',
  lease_owner TEXT NOT NULL DEFAULT '', lease_until BIGINT NOT NULL DEFAULT 0);
CREATE INDEX outbox_due ON outbox(state, next_attempt_ms);
CREATE INDEX outbox_subject ON outbox(subject_key, recipient, outcome_at);
CREATE TABLE record_facts(
  record_id TEXT PRIMARY KEY, subject_key TEXT NOT NULL, recipient TEXT NOT NULL,
  sent TEXT NOT NULL, sent_seconds BIGINT NOT NULL, level TEXT NOT NULL, response TEXT NOT NULL,
  encounter_id TEXT NOT NULL, group_ids TEXT NOT NULL, group_names TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active', status_changed_ms BIGINT NOT NULL DEFAULT 0);
CREATE INDEX record_facts_subject ON record_facts(subject_key, sent_seconds);
CREATE TABLE used_jtis(key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
CREATE INDEX used_jtis_expiry ON used_jtis(expires_at);
)sql",
    // 2: the clinician app's sessions (pg_app_sessions.h): keyed by the SHA-256 of the cookie
    // value, the session sealed with store.sessionKey; the times in clear to drop ended ones.
    R"sql(
CREATE TABLE app_sessions(
  id_hash TEXT PRIMARY KEY, sealed TEXT NOT NULL,
  created BIGINT NOT NULL, last_used BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX app_sessions_last_used ON app_sessions(last_used);
)sql",
    // 3: who reads each group source over the network, and how its latest read ended, so one
    // instance reads it per refresh interval and the others load the snapshot it saved when its
    // version changes (docs/store.md). The snapshot's version and validators live here too.
    R"sql(
CREATE TABLE source_refresh(
  source TEXT PRIMARY KEY,
  lease_owner TEXT NOT NULL DEFAULT '', lease_until BIGINT NOT NULL DEFAULT 0,
  next_read_at BIGINT NOT NULL DEFAULT 0, version BIGINT NOT NULL DEFAULT 0,
  attempted_at BIGINT NOT NULL DEFAULT 0, succeeded_at BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', refused_groups BIGINT NOT NULL DEFAULT -1,
  rejected TEXT NOT NULL DEFAULT '', etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '');
)sql",
};

constexpr int kVersions = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

Status MigrateLocked(PgConnection& conn) {
  const std::string what = "cannot migrate the schema";
  // CREATE only on a new database: a role without the CREATE privilege runs a migrated one.
  SELVHJELP_ASSIGN_OR_RETURN(PgRows table, conn.Exec("SELECT to_regclass('schema_migrations') IS NULL", {}, what));
  if (table.Text(0, 0) == "t") {
    SELVHJELP_RETURN_IF_ERROR(conn.Script(
        "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", what));
  }
  SELVHJELP_ASSIGN_OR_RETURN(PgRows at, conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, what));
  const int64_t version = at.Int(0, 0);
  if (version > kVersions) {
    return FailedPreconditionError("store: the database's schema is version " + std::to_string(version) +
                                   ", newer than this selvhjelp knows (" + std::to_string(kVersions) +
                                   "): upgrade selvhjelp, or restore a backup made for this version");
  }
  for (int v = static_cast<int>(version) + 1; v <= kVersions; ++v) {
    SELVHJELP_RETURN_IF_ERROR(InTransaction(conn, what + " to version " + std::to_string(v), [&]() -> Status {
      SELVHJELP_RETURN_IF_ERROR(conn.Script(kMigrations[v - 1], what + " to version " + std::to_string(v)));
      return conn.Exec("INSERT INTO schema_migrations(version) VALUES($1)", {v}, what).status();
    }));
  }
  return OkStatus();
}

}  // namespace

int CurrentSchemaVersion() { return kVersions; }

Status MigrateSchema(PgConnection& conn) {
  const std::string what = "cannot lock the schema for migration";
  SELVHJELP_RETURN_IF_ERROR(conn.Exec("SELECT pg_advisory_lock($1)", {kSchemaLock}, what).status());
  Status migrated = MigrateLocked(conn);
  // Also released if the connection dies; an unlock that fails leaves the connection to be closed.
  (void)conn.Exec("SELECT pg_advisory_unlock($1)", {kSchemaLock}, what);
  return migrated;
}

}  // namespace selvhjelp::plugin
