#include "plugin/store/pg_jti_store.h"

#include <string>

#include "fhir/base/status_macros.h"

namespace selvhjelp::plugin {

Result<bool> PgJtiStore::Claim(std::string_view iss, std::string_view jti, int64_t expires_at, int64_t now) {
  const std::string what = "cannot record a used token";
  SELVHJELP_ASSIGN_OR_RETURN(PgPool::Lease conn, pool_->Acquire());
  if (int64_t due = next_purge_.load(); now >= due && next_purge_.compare_exchange_strong(due, now + 60)) {
    (void)conn->Exec("DELETE FROM used_jtis WHERE expires_at < $1", {now}, what);  // tried again in a minute
  }
  // Inserts a new use, or takes over one that expired; changes nothing for a live one. Two
  // instances claiming the same token at once: the second waits for the first's row, then
  // changes nothing.
  SELVHJELP_ASSIGN_OR_RETURN(PgRows claimed, conn->Exec(
      "INSERT INTO used_jtis(key, expires_at) VALUES($1, $2) ON CONFLICT(key) "
      "DO UPDATE SET expires_at=EXCLUDED.expires_at WHERE used_jtis.expires_at < $3",
      {std::string(iss) + " " + std::string(jti), expires_at, now}, what));
  return claimed.affected() == 1;
}

}  // namespace selvhjelp::plugin
