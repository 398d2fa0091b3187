#include "plugin/store/jti_table.h"

#include <string>

namespace selvhjelp::plugin {

JtiTable::~JtiTable() { sqlite3_close_v2(db_); }  // closes once statements_ has finalized its statements

Result<std::unique_ptr<JtiTable>> JtiTable::Open(const std::filesystem::path& file) {
  std::unique_ptr<JtiTable> table(new JtiTable());
  Result<sqlite3*> db = OpenConnection(file, "NORMAL");
  if (!db.ok()) return db.status();
  table->db_ = *db;
  Status schema = Exec(table->db_,
                       "CREATE TABLE IF NOT EXISTS used_jtis(key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID");
  if (!schema.ok()) return schema;
  return table;
}

Result<bool> JtiTable::Claim(std::string_view iss, std::string_view jti, int64_t expires_at, int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (now >= next_purge_) {
    Statement purge(statements_.Get(db_, "DELETE FROM used_jtis WHERE expires_at < ?"));
    if (purge.Bind(1, now).Step() == SQLITE_DONE) next_purge_ = now + 60;
  }
  // Inserts a new use, or takes over one that expired; changes nothing for a live one.
  Statement claim(statements_.Get(db_,
      "INSERT INTO used_jtis(key, expires_at) VALUES(?, ?) "
      "ON CONFLICT(key) DO UPDATE SET expires_at=excluded.expires_at WHERE used_jtis.expires_at < ?"));
  const std::string key = std::string(iss) + " " + std::string(jti);
  if (claim.Bind(1, key).Bind(2, expires_at).Bind(3, now).Step() != SQLITE_DONE) {
    return UnavailableError(std::string("store: cannot record a used token: ") + sqlite3_errmsg(db_));
  }
  return sqlite3_changes(db_) == 1;
}

}  // namespace selvhjelp::plugin
