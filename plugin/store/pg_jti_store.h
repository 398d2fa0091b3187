#pragma once
// PgJtiStore: the used request tokens and DPoP proofs (JtiStore) in PostgreSQL, table used_jtis,
// shared by every instance on the database: a token used on one is refused on the others. A use
// is committed (synchronous_commit=on) before Claim returns; expired rows are deleted as it goes
// (at most once a minute per process). Thread-safe.
#include <atomic>
#include <memory>

#include "plugin/auth/jti_store.h"
#include "plugin/store/pg_db.h"

namespace selvhjelp::plugin {

class PgJtiStore : public JtiStore {
 public:
  explicit PgJtiStore(std::shared_ptr<PgPool> pool) : pool_(std::move(pool)) {}
  Result<bool> Claim(std::string_view iss, std::string_view jti, int64_t expires_at, int64_t now) override;

 private:
  std::shared_ptr<PgPool> pool_;
  std::atomic<int64_t> next_purge_{0};
};

}  // namespace selvhjelp::plugin
