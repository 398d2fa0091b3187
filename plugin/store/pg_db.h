#pragma once
// Small libpq helpers for the PostgreSQL store (pg_*.cc): a bounded pool of connections with
// timeouts, statements with text parameters, and rows read back as text. libpq's own header stays
// in pg_db.cc; callers see only these types. Every failure is Unavailable, saying what could not
// be done and why in the database's terms (an SQLSTATE, "unreachable"), never a data value.
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "config/service_config.h"
#include "fhir/base/result.h"

struct pg_conn;    // libpq's connection (PGconn)
struct pg_result;  // libpq's result (PGresult)

namespace selvhjelp::plugin {

// One statement parameter, sent as text.
struct PgArg {
  PgArg(std::string s) : value(std::move(s)) {}
  PgArg(const char* s) : value(s) {}
  template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  PgArg(T n) : value(std::to_string(n)) {}
  std::string value;
};

// One statement of PgConnection::ExecAll: `sql` ($1, $2, ... for `args`).
struct PgStatement {
  const char* sql;
  std::vector<PgArg> args;
};

// `values` as a PostgreSQL text[] literal ({"a","b"}), for `= ANY($n::text[])` or unnest($n::text[]).
template <typename Strings>
std::string PgTextArray(const Strings& values) {
  std::string out = "{";
  for (const std::string& value : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char ch : value) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

// The rows of a statement, as text, and how many rows it changed.
class PgRows {
 public:
  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const std::string& Text(size_t row, size_t col) const { return rows_[row][col]; }
  int64_t Int(size_t row, size_t col) const;
  int64_t affected() const { return affected_; }

 private:
  friend class PgConnection;
  std::vector<std::vector<std::string>> rows_;
  int64_t affected_ = 0;
};

// A connection taken from the pool. Not thread-safe: one user at a time.
class PgConnection {
 public:
  // Runs `sql` ($1, $2, ... for `args`). Unavailable "store: <what>: ..." on any failure;
  // InvalidArgument, sending nothing, when an argument holds a NUL character.
  [[nodiscard]] Result<PgRows> Exec(const char* sql, std::initializer_list<PgArg> args, const std::string& what);
  // As Exec, but the statement is prepared on this connection the first time and then only bound
  // (no parse or plan per call): for the statements of the hook's and the records' hot paths.
  [[nodiscard]] Result<PgRows> ExecPrepared(const char* sql, std::initializer_list<PgArg> args, const std::string& what);
  // Runs `statements` in order in one round trip (libpq pipeline mode), each prepared as for
  // ExecPrepared; their rows, in order. On the first failure the server skips the rest and that
  // failure is returned (Unavailable as Exec); a transaction begun by them is then left aborted,
  // for the caller to roll back. All are sent before any result is read: meant for tens of
  // statements with results of a few rows (larger results could fill both sides' buffers).
  [[nodiscard]] Result<std::vector<PgRows>> ExecAll(const std::vector<PgStatement>& statements,
                                                    const std::string& what);
  // Runs one or more statements without parameters.
  [[nodiscard]] Status Script(const char* sql, const std::string& what);
  // True when the connection still works, no transaction or pipeline is left open and no
  // statement of ExecAll failed on it.
  bool Idle() const;

 private:
  friend class PgPool;
  static PgRows ToRows(pg_result* result);
  pg_conn* conn_ = nullptr;
  // A statement of ExecAll failed on the server: the pool closes this connection rather than
  // keep prepared statements that may be broken (a plan whose tables another instance migrated).
  bool discard_ = false;
  int64_t names_ = 0;  // prepared statements named so far (s0, s1, ...)
  std::unordered_map<std::string, std::string> prepared_;  // sql -> its prepared statement's name here
};

class PgPool {
 public:
  ~PgPool();
  // Connects once (so a wrong URL or an unreachable server fails the start), with
  // config.timeout_seconds for connecting and for each statement, synchronous_commit=on.
  static Result<std::shared_ptr<PgPool>> Open(const config::PostgresStoreConfig& config);

  // A connection, given back to the pool when it goes out of scope (closed instead when it broke
  // or was left in a transaction, which the server then rolls back).
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease();
    PgConnection* operator->() { return conn_.get(); }
    PgConnection& operator*() { return *conn_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };
  // Waits at most the timeout for a free connection (at most config.pool_size are open);
  // Unavailable when none comes or a new one cannot be made.
  [[nodiscard]] Result<Lease> Acquire();

 private:
  PgPool() = default;
  Result<std::unique_ptr<PgConnection>> Connect();
  void GiveBack(std::unique_ptr<PgConnection> conn);

  std::vector<std::string> keywords_, values_;
  std::string where_;  // where the store is, for messages: host and database, never user or password
  int size_ = 8;
  int timeout_seconds_ = 5;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mutex_
  int open_ = 0;                                     // connections open or being opened; mutex_
};

// Runs `body` between BEGIN and COMMIT on `conn`. When `body` fails the transaction is rolled
// back; when COMMIT fails (or the rollback does), the pool closes the connection and the server
// rolls back whatever was left open. Returns the first failure.
template <typename Body>
Status InTransaction(PgConnection& conn, const std::string& what, Body&& body) {
  if (Result<PgRows> begun = conn.Exec("BEGIN", {}, what); !begun.ok()) return begun.status();
  if (Status done = body(); !done.ok()) {
    (void)conn.Exec("ROLLBACK", {}, what);
    return done;
  }
  return conn.Exec("COMMIT", {}, what).status();
}

}  // namespace selvhjelp::plugin
