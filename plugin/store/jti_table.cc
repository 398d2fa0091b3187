#include "plugin/store/jti_table.h"

#include <string>
#include <system_error>

namespace selvhjelp::plugin {

JtiTable::~JtiTable() { sqlite3_close_v2(db_); }  // closes once statements_ has finalized its statements

std::filesystem::path UsedTokensFile(const std::filesystem::path& store_file) {
  return std::filesystem::path(store_file.string() + "-used-tokens");
}

namespace {

// Moves the uses an older version kept in the store's own used_jtis table into `db`'s, then drops
// that table: a token used just before the upgrade's restart stays refused. Copied first, with a
// synced commit (the file's own commits are not), then dropped: a crash between the two leaves the
// table, and the next start copies it again; a copy keeps the later expiry of a key in both.
Status MoveFromStore(sqlite3* db, StatementCache& statements, const std::filesystem::path& store_file) {
  std::error_code ec;
  if (!std::filesystem::exists(store_file, ec)) return OkStatus();  // a new store: nothing to move
  const std::string path = store_file.string();
  if (int rc = Statement(statements.Get(db, "ATTACH DATABASE ? AS store")).Bind(1, path).Step(); rc != SQLITE_DONE) {
    return WriteError(db, rc, "cannot open " + path);
  }
  Status moved = OkStatus();
  const int held =
      Statement(statements.Get(db, "SELECT 1 FROM store.sqlite_master WHERE type='table' AND name='used_jtis'")).Step();
  if (held == SQLITE_ROW) {
    moved = Exec(db,
                 "PRAGMA main.synchronous=FULL;"
                 "INSERT INTO main.used_jtis SELECT key, expires_at FROM store.used_jtis WHERE true "
                 "ON CONFLICT(key) DO UPDATE SET expires_at=max(expires_at, excluded.expires_at);"
                 "PRAGMA main.synchronous=NORMAL;"
                 "DROP TABLE store.used_jtis");
  } else if (held != SQLITE_DONE) {
    moved = WriteError(db, held, "cannot read " + path);
  }
  Status detached = Exec(db, "DETACH DATABASE store");
  return moved.ok() ? detached : moved;
}

}  // namespace

Result<std::unique_ptr<JtiTable>> JtiTable::Open(const std::filesystem::path& store_file) {
  std::unique_ptr<JtiTable> table(new JtiTable());
  Result<sqlite3*> db = OpenConnection(UsedTokensFile(store_file), "NORMAL");
  if (!db.ok()) return db.status();
  table->db_ = *db;
  Status schema = Exec(table->db_,
                       "CREATE TABLE IF NOT EXISTS used_jtis(key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID");
  if (!schema.ok()) return schema;
  if (Status moved = MoveFromStore(table->db_, table->statements_, store_file); !moved.ok()) return moved;
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
