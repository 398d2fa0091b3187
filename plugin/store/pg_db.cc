#include "plugin/store/pg_db.h"

#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <unordered_map>

namespace selvhjelp::plugin {
namespace {

// The reason of a failed statement in the database's terms: SQLSTATE, or "unreachable" when
// the connection is gone. PostgreSQL's message text may quote values, so it is left out.
std::string Reason(pg_conn* conn, PGresult* result) {
  if (PQstatus(conn) != CONNECTION_OK) return "the database is unreachable";
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) return "the database is unreachable";
  const std::string code = state;
  // Worded so WriteHealth counts each kind apart (disk is full, read-only, locked, unreachable).
  const std::string sqlstate = " (SQLSTATE " + code + ")";
  if (code == "57014") return "the statement timed out (store.timeoutSeconds)";
  if (code == "53100") return "the database server's disk is full" + sqlstate;
  if (code.rfind("53", 0) == 0) return "the database is out of resources" + sqlstate;
  if (code == "25006") return "the database is read-only" + sqlstate;
  if (code == "55P03" || code == "40P01") return "a row or table it needs is locked" + sqlstate;
  if (code.rfind("08", 0) == 0 || code == "57P01" || code == "57P02" || code == "57P03") {
    return "the database is unreachable" + sqlstate;
  }
  return "the database refused it" + sqlstate;
}

}  // namespace

int64_t PgRows::Int(size_t row, size_t col) const { return std::strtoll(rows_[row][col].c_str(), nullptr, 10); }

namespace {

// The values of `args` for libpq; InvalidArgument when one holds a NUL: libpq sends a parameter up
// to its first NUL, and PostgreSQL's text cannot hold one, so it is refused rather than cut short
// (a cut jti or id could match another's).
template <typename Args>
Result<std::vector<const char*>> Values(const Args& args, const std::string& what) {
  std::vector<const char*> values;
  values.reserve(args.size());
  for (const PgArg& a : args) {
    if (a.value.find('\0') != std::string::npos) {
      return InvalidArgumentError("store: " + what + ": a value holds a NUL character, which the database cannot "
                                  "keep; nothing was written");
    }
    values.push_back(a.value.c_str());
  }
  return values;
}

bool Succeeded(PGresult* result) {
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

Status Failed(pg_conn* conn, PGresult* result, const std::string& what) {
  return UnavailableError("store: " + what + ": " + Reason(conn, result) + "; nothing was written");
}

}  // namespace

// Reads a successful result's rows (a friend of PgRows: declared in PgConnection).
PgRows PgConnection::ToRows(PGresult* result) {
  PgRows rows;
  const int n = PQntuples(result), cols = PQnfields(result);
  rows.rows_.resize(n);
  for (int r = 0; r < n; ++r) {
    rows.rows_[r].reserve(cols);
    for (int c = 0; c < cols; ++c) rows.rows_[r].emplace_back(PQgetvalue(result, r, c), PQgetlength(result, r, c));
  }
  const char* affected = PQcmdTuples(result);
  rows.affected_ = affected && *affected ? std::strtoll(affected, nullptr, 10) : 0;
  return rows;
}

Result<PgRows> PgConnection::Exec(const char* sql, std::initializer_list<PgArg> args, const std::string& what) {
  Result<std::vector<const char*>> values = Values(args, what);
  if (!values.ok()) return values.status();
  PGresult* result = PQexecParams(conn_, sql, static_cast<int>(values->size()), nullptr, values->data(), nullptr,
                                  nullptr, 0);
  if (!Succeeded(result)) {
    Status failed = Failed(conn_, result, what);
    PQclear(result);
    return failed;
  }
  PgRows rows = ToRows(result);
  PQclear(result);
  return rows;
}

Result<PgRows> PgConnection::ExecPrepared(const char* sql, std::initializer_list<PgArg> args,
                                          const std::string& what) {
  Result<std::vector<PgRows>> all = ExecAll({PgStatement{sql, std::vector<PgArg>(args)}}, what);
  if (!all.ok()) return all.status();
  return std::move(all->front());
}

Result<std::vector<PgRows>> PgConnection::ExecAll(const std::vector<PgStatement>& statements,
                                                  const std::string& what) {
  std::vector<std::vector<const char*>> values;
  for (const PgStatement& s : statements) {
    Result<std::vector<const char*>> v = Values(s.args, what);
    if (!v.ok()) return v.status();
    values.push_back(std::move(v).value());
  }
  // A connection left in pipeline mode (it broke half-way) is not Idle(): the pool closes it.
  if (PQenterPipelineMode(conn_) != 1) return Failed(conn_, nullptr, what);
  // Each statement new to this connection is preceded by its Parse (PQsendPrepare), once.
  std::unordered_map<std::string, std::string> parsing;  // sql -> name, prepared by this call
  std::vector<bool> parses(statements.size(), false);
  for (size_t i = 0; i < statements.size(); ++i) {
    const PgStatement& s = statements[i];
    auto known = prepared_.find(s.sql);
    std::string name;
    if (known != prepared_.end()) {
      name = known->second;
    } else {
      auto [it, fresh] = parsing.try_emplace(s.sql, std::string());
      if (fresh) it->second = "s" + std::to_string(names_++);
      name = it->second;
      parses[i] = fresh;
      if (fresh && PQsendPrepare(conn_, name.c_str(), s.sql, static_cast<int>(s.args.size()), nullptr) != 1) {
        return Failed(conn_, nullptr, what);
      }
    }
    if (PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values[i].size()), values[i].data(), nullptr,
                            nullptr, 0) != 1) {
      return Failed(conn_, nullptr, what);
    }
  }
  if (PQpipelineSync(conn_) != 1) return Failed(conn_, nullptr, what);
  // One result per command, each followed by a null; then the sync's. After a failure the server
  // skips the rest (PGRES_PIPELINE_ABORTED): the first failure is the one reported.
  std::optional<Status> failure;
  bool broken = false;  // a result missing or extra: the connection is out of step (the pool closes it)
  auto next = [&](std::vector<PgRows>* rows) -> bool {
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) return !(broken = true);
    const bool ok = Succeeded(result);
    if (!ok && !failure) failure = Failed(conn_, result, what);
    if (ok && rows != nullptr) rows->push_back(ToRows(result));
    PQclear(result);
    if (PGresult* extra = PQgetResult(conn_); extra != nullptr) {  // never more than one result each
      PQclear(extra);
      broken = true;
    }
    return ok && !broken;
  };
  std::vector<PgRows> rows;
  rows.reserve(statements.size());
  for (size_t i = 0; i < statements.size() && !broken; ++i) {
    if (parses[i] && next(nullptr)) prepared_.emplace(statements[i].sql, parsing[statements[i].sql]);
    if (!broken) next(&rows);
  }
  discard_ = broken || failure.has_value();
  if (broken) return failure.value_or(Failed(conn_, nullptr, what));
  PGresult* sync = PQgetResult(conn_);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced || PQexitPipelineMode(conn_) != 1) return failure.value_or(Failed(conn_, nullptr, what));
  if (failure) return *failure;
  return rows;
}

Status PgConnection::Script(const char* sql, const std::string& what) {
  PGresult* result = PQexec(conn_, sql);
  Status done = Succeeded(result) ? OkStatus() : UnavailableError("store: " + what + ": " + Reason(conn_, result));
  PQclear(result);
  return done;
}

bool PgConnection::Idle() const {
  return !discard_ && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE &&
         PQpipelineStatus(conn_) == PQ_PIPELINE_OFF;
}

PgPool::~PgPool() {
  for (auto& conn : idle_) PQfinish(conn->conn_);
}

Result<std::shared_ptr<PgPool>> PgPool::Open(const config::PostgresStoreConfig& config) {
  std::shared_ptr<PgPool> pool(new PgPool());
  pool->size_ = config.pool_size;
  pool->timeout_seconds_ = config.timeout_seconds;
  const std::string timeout_ms = std::to_string(config.timeout_seconds * 1000);
  // The URL first: the keywords after it override what it says about them.
  pool->keywords_ = {"dbname", "connect_timeout", "application_name", "options",
                     "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout"};
  // plan_cache_mode: each statement is prepared once per connection and planned once. With the
  // default (auto) PostgreSQL planned the hook's outcome read anew on every call (217 µs of
  // planning against 23 µs of execution: unnest($2) of an unknown array is costed at 10 rows, so
  // the generic plan never looked cheaper than a custom one). Every statement here is a short
  // indexed read or write, for which the generic plan is the plan.
  pool->values_ = {config.url, std::to_string(config.timeout_seconds), "selvhjelp",
                   "-c synchronous_commit=on -c client_min_messages=warning -c plan_cache_mode=force_generic_plan"
                   " -c statement_timeout=" + timeout_ms + " -c lock_timeout=" + timeout_ms +
                       " -c idle_in_transaction_session_timeout=" + std::to_string(config.timeout_seconds * 4000),
                   "1", "5", "2", "2", timeout_ms};
  pool->where_ = "the database";
  Result<std::unique_ptr<PgConnection>> first = pool->Connect();
  if (!first.ok()) return first.status();
  const char* host = PQhost((*first)->conn_);
  const char* db = PQdb((*first)->conn_);
  pool->where_ = std::string("database ") + (db ? db : "?") + " on " + (host && *host ? host : "a local socket");
  pool->open_ = 1;
  pool->GiveBack(std::move(first).value());
  return pool;
}

Result<std::unique_ptr<PgConnection>> PgPool::Connect() {
  std::vector<const char*> keys, values;
  for (size_t i = 0; i < keywords_.size(); ++i) {
    keys.push_back(keywords_[i].c_str());
    values.push_back(values_[i].c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  auto conn = std::make_unique<PgConnection>();
  conn->conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
  if (conn->conn_ == nullptr || PQstatus(conn->conn_) != CONNECTION_OK) {
    PQfinish(conn->conn_);
    // libpq's message names the host and port (never the password); it may run over lines.
    return UnavailableError("store: cannot connect to " + where_ + " (store.url): the database is unreachable");
  }
  return conn;
}

Result<PgPool::Lease> PgPool::Acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  const bool got = freed_.wait_for(lock, std::chrono::seconds(timeout_seconds_),
                                   [this] { return !idle_.empty() || open_ < size_; });
  if (!got) {
    return UnavailableError("store: no free connection to " + where_ + " within " + std::to_string(timeout_seconds_) +
                            " s (store.poolSize " + std::to_string(size_) + ")");
  }
  if (!idle_.empty()) {
    std::unique_ptr<PgConnection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  Result<std::unique_ptr<PgConnection>> made = Connect();
  if (!made.ok()) {
    lock.lock();
    --open_;
    freed_.notify_one();
    return made.status();
  }
  return Lease(this, std::move(made).value());
}

void PgPool::GiveBack(std::unique_ptr<PgConnection> conn) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (conn->Idle()) {
    idle_.push_back(std::move(conn));
  } else {
    // Broken, or a transaction left open (the server rolls it back). A lost connection usually
    // means the server went away or restarted: the idle ones are as dead, so they go too.
    const bool lost = PQstatus(conn->conn_) != CONNECTION_OK;
    PQfinish(conn->conn_);
    --open_;
    if (lost) {
      for (auto& idle : idle_) PQfinish(idle->conn_);
      open_ -= static_cast<int>(idle_.size());
      idle_.clear();
    }
  }
  freed_.notify_one();
}

PgPool::Lease::~Lease() {
  if (conn_) pool_->GiveBack(std::move(conn_));
}

}  // namespace selvhjelp::plugin
