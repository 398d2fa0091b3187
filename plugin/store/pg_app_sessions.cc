#include "plugin/store/pg_app_sessions.h"

#include <algorithm>

#include "fhir/base/status_macros.h"
#include "plugin/app/sealed_session.h"
#include "plugin/log.h"

namespace selvhjelp::plugin {

Status PgSessionBackend::Add(const AppSession& session, const AppSessionSettings& settings, int64_t now) {
  const std::string what = "cannot keep an app session";
  SELVHJELP_ASSIGN_OR_RETURN(std::string sealed, SealSession(session, key_));
  const std::string id_hash = SessionIdHash(session.id);
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  // As SessionEnded, on the times kept in clear.
  SELVHJELP_RETURN_IF_ERROR(conn->Exec(
      "DELETE FROM app_sessions WHERE expires_at <= $1 OR last_used < $2 OR created < $3",
      {now, now - settings.idle_seconds, now - settings.max_seconds}, what).status());
  SELVHJELP_RETURN_IF_ERROR(conn->Exec(
      "INSERT INTO app_sessions(id_hash, sealed, created, last_used, expires_at) VALUES($1, $2, $3, $4, $5)",
      {id_hash, sealed, session.created, session.last_used, session.context.expires_at}, what).status());
  // The bound, across instances: all but the newest max_sessions, this one kept.
  const int64_t others = std::max<int64_t>(0, static_cast<int64_t>(settings.max_sessions) - 1);
  return conn->Exec(
      "DELETE FROM app_sessions WHERE id_hash IN (SELECT id_hash FROM app_sessions WHERE id_hash <> $1 "
      "ORDER BY last_used DESC, created DESC OFFSET $2)", {id_hash, others}, what).status();
}

Result<std::optional<AppSession>> PgSessionBackend::Get(std::string_view id) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec("SELECT sealed, last_used FROM app_sessions WHERE id_hash=$1",
                                                     {SessionIdHash(id)}, "cannot read an app session"));
  if (rows.empty()) return std::optional<AppSession>();
  Result<AppSession> session = OpenSealedSession(rows.Text(0, 0), id, key_);
  if (!session.ok()) {
    // The row exists for this cookie, so its clinician launched on an instance sealing with
    // another key: a configuration mistake each such request repeats (a 401 to the app).
    Log(LogLevel::kWarning, "app.session_unreadable",
        "an app session in the store does not open with this instance's store.sessionKey: its clinician must "
        "launch again; every instance needs the same key (docs/store.md)");
    return std::optional<AppSession>();
  }
  session->last_used = rows.Int(0, 1);
  return std::optional<AppSession>(std::move(session).value());
}

Status PgSessionBackend::Touch(std::string_view id, int64_t now) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  return conn->Exec("UPDATE app_sessions SET last_used=$2 WHERE id_hash=$1 AND last_used < $2", {SessionIdHash(id), now},
                    "cannot renew an app session").status();
}

Status PgSessionBackend::Remove(std::string_view id) {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  return conn->Exec("DELETE FROM app_sessions WHERE id_hash=$1", {SessionIdHash(id)}, "cannot end an app session").status();
}

Result<size_t> PgSessionBackend::Count() {
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  SELVHJELP_ASSIGN_OR_RETURN(PgRows rows, conn->Exec("SELECT COUNT(*) FROM app_sessions", {}, "cannot count app sessions"));
  return static_cast<size_t>(rows.Int(0, 0));
}

}  // namespace selvhjelp::plugin
