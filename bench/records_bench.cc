// Records committed per second through Outbox::Enqueue with 1 and 16 client threads, on the store
// the service opens (OpenOutbox: the SQLite file of store.path, or the PostgreSQL database of
// store.url), next to a minimal program doing the same inserts (an outbox row and a record_facts
// row a record) on the same store in the same run: one record per transaction (the ceiling
// without group commit: one fsync a record) and 16 records per transaction (the ceiling a group
// commit of 16 clients can reach). On PostgreSQL also 16 connections committing one record each
// (the server's own grouping of concurrent commits, with no group commit of ours). Durable
// commits throughout: SQLite synchronous=FULL; PostgreSQL synchronous_commit=on (fsync is the
// server's: bench/run.sh starts it with fsync on). RUNS runs (3 unless given); prints each
// figure's range and the ratios of the outbox to the minimal program within each run.
// Usage: records_bench STORE [RECORDS] [RUNS]
//   STORE  a directory on the disk to measure (SQLite; its files are removed afterwards), or a
//          postgresql:// URL of an empty database (its outbox tables are emptied before each figure)
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/service_config.h"
#include "plugin/store/store_factory.h"

using namespace selvhjelp::plugin;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kBundle(2500, 'x');  // about the size of a record's transaction bundle

NewOutboxRecord Record(int i) {
  const std::string id = "bench-" + std::to_string(i);
  return NewOutboxRecord{id, "hash-" + id, kBundle, "subject-" + std::to_string(i % 97), "patient",
                         LocalOutcome{"informed", "", "", i}, 1'800'000'000'000 + i, {}};
}

// The minimal program's two inserts, the rows the outbox writes for a record
// (plugin/store/*_outbox.cc) with plain INSERTs (no idempotency check). Each $n appears once and
// in order, so SQLite numbers them as PostgreSQL does.
constexpr const char* kInsertRecord =
    "INSERT INTO outbox(record_id, content_hash, bundle, state, created_ms, next_attempt_ms, subject_key, "
    "recipient, outcome, override_code, encounter_id, outcome_at) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)";
constexpr const char* kInsertFacts =
    "INSERT INTO record_facts(record_id, subject_key, recipient, sent, sent_seconds, level, response, "
    "encounter_id, group_ids, group_names) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)";

// Record(i)'s parameters for kInsertRecord and kInsertFacts, as text.
struct Rows {
  std::vector<std::string> record, facts;
};
Rows RowsOf(int i) {
  const NewOutboxRecord r = Record(i);
  const RecordFacts& f = r.facts;
  return Rows{{r.record_id, r.content_hash, r.bundle_json, "pending", std::to_string(r.created_ms),
               std::to_string(r.created_ms), r.subject_key, r.recipient, r.outcome.outcome, r.outcome.override_code,
               r.outcome.encounter_id, std::to_string(r.outcome.at)},
              {r.record_id, r.subject_key, r.recipient, f.sent, std::to_string(f.sent_seconds), f.level, f.response,
               f.encounter_id, JoinLines(f.group_ids), JoinLines(f.group_names)}};
}

double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A store to measure: the config that opens it as the service does, and the minimal program.
class BenchStore {
 public:
  virtual ~BenchStore() = default;
  // Empties the store (its schema made as the outbox makes it); false when it cannot.
  virtual bool Reset() = 0;
  // Seconds for the minimal program to commit records 0..n-1, `per_commit` a transaction, over
  // `connections` connections at once (record i on connection i % connections); nullopt when a
  // write failed.
  virtual std::optional<double> Alone(int n, int per_commit, int connections) = 0;
  virtual void RemoveFiles() {}
  selvhjelp::config::ServiceConfig config;
};

class SqliteStore : public BenchStore {
 public:
  explicit SqliteStore(const fs::path& dir) {
    fs::create_directories(dir);
    config.store_path = dir / "records-bench.db";
  }
  bool Reset() override {
    RemoveFiles();
    return OpenOutbox(config).ok();
  }
  // One connection only: SQLite has one writer at a time.
  std::optional<double> Alone(int n, int per_commit, int /*connections*/) override {
    sqlite3* db = nullptr;
    if (sqlite3_open(config.store_path.c_str(), &db) != SQLITE_OK) return std::nullopt;
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
    sqlite3_stmt* insert[2] = {nullptr, nullptr};
    sqlite3_prepare_v2(db, kInsertRecord, -1, &insert[0], nullptr);
    sqlite3_prepare_v2(db, kInsertFacts, -1, &insert[1], nullptr);
    bool ok = insert[0] != nullptr && insert[1] != nullptr;
    const auto start = Clock::now();
    for (int i = 0; ok && i < n; i += per_commit) {
      ok = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
      for (int j = i; ok && j < std::min(n, i + per_commit); ++j) {
        const Rows rows = RowsOf(j);
        for (int s = 0; s < 2; ++s) {
          const std::vector<std::string>& values = s == 0 ? rows.record : rows.facts;
          for (size_t k = 0; k < values.size(); ++k) {
            sqlite3_bind_text(insert[s], static_cast<int>(k) + 1, values[k].c_str(), -1, SQLITE_STATIC);
          }
          ok = ok && sqlite3_step(insert[s]) == SQLITE_DONE;
          sqlite3_reset(insert[s]);
        }
      }
      ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    const double seconds = Since(start);
    for (sqlite3_stmt* s : insert) sqlite3_finalize(s);
    sqlite3_close(db);
    return ok ? std::optional<double>(seconds) : std::nullopt;
  }
  void RemoveFiles() override {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(config.store_path.string() + suffix);
  }
};

class PostgresStore : public BenchStore {
 public:
  explicit PostgresStore(const std::string& url) { config.postgres.url = url; }
  bool Reset() override {
    if (!OpenOutbox(config).ok()) return false;  // migrates a new database
    Connection c(config.postgres.url);
    return c.ok() && c.Exec("TRUNCATE outbox, record_facts");
  }
  std::optional<double> Alone(int n, int per_commit, int connections) override {
    std::vector<std::unique_ptr<Connection>> conns;
    for (int c = 0; c < connections; ++c) {
      conns.push_back(std::make_unique<Connection>(config.postgres.url));
      if (!conns.back()->ok() || !conns.back()->Prepare()) return std::nullopt;
    }
    std::atomic<bool> failed = false;
    std::vector<std::thread> threads;
    const auto start = Clock::now();
    for (int c = 0; c < connections; ++c) {
      threads.emplace_back([&, c] {
        Connection& conn = *conns[c];
        std::vector<int> mine;
        for (int i = c; i < n; i += connections) mine.push_back(i);
        for (size_t i = 0; i < mine.size() && !failed; i += per_commit) {
          bool ok = conn.Exec("BEGIN");
          for (size_t j = i; ok && j < std::min(mine.size(), i + per_commit); ++j) {
            const Rows rows = RowsOf(mine[j]);
            ok = conn.Insert("record", rows.record) && conn.Insert("facts", rows.facts);
          }
          if (!(ok && conn.Exec("COMMIT"))) failed = true;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    const double seconds = Since(start);
    return failed ? std::nullopt : std::optional<double>(seconds);
  }

 private:
  // One libpq connection with synchronous_commit=on (the service's setting).
  class Connection {
   public:
    explicit Connection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
      ok_ = PQstatus(conn_) == CONNECTION_OK && Exec("SET synchronous_commit=on");
    }
    ~Connection() { PQfinish(conn_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    bool ok() const { return ok_; }
    bool Exec(const char* sql) { return Done(PQexec(conn_, sql)); }
    bool Prepare() {
      return Done(PQprepare(conn_, "record", kInsertRecord, 0, nullptr)) &&
             Done(PQprepare(conn_, "facts", kInsertFacts, 0, nullptr));
    }
    bool Insert(const char* statement, const std::vector<std::string>& values) {
      std::vector<const char*> params;
      for (const std::string& v : values) params.push_back(v.c_str());
      return Done(PQexecPrepared(conn_, statement, static_cast<int>(params.size()), params.data(), nullptr, nullptr, 0));
    }

   private:
    bool Done(PGresult* result) {
      const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
      if (!ok) std::cerr << "records_bench: " << PQerrorMessage(conn_);
      PQclear(result);
      return ok;
    }
    PGconn* conn_;
    bool ok_ = false;
  };
};

// Seconds for `clients` threads to commit records 0..n-1 through Outbox::Enqueue (record i by
// client i % clients), the outbox opened as the service opens it; nullopt when one failed.
std::optional<double> Enqueue(const selvhjelp::config::ServiceConfig& config, int n, int clients) {
  auto outbox = OpenOutbox(config);
  if (!outbox.ok()) return std::nullopt;
  std::vector<std::thread> threads;
  std::atomic<bool> failed = false;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i = c; i < n; i += clients) {
        if (!(*outbox)->Enqueue(Record(i)).ok()) failed = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double seconds = Since(start);
  return failed ? std::nullopt : std::optional<double>(seconds);
}

std::string Range(std::vector<double> v, int precision = 0) {
  std::sort(v.begin(), v.end());
  char text[64];
  if (v.front() == v.back()) std::snprintf(text, sizeof text, "%.*f", precision, v.front());
  else std::snprintf(text, sizeof text, "%.*f-%.*f", precision, v.front(), precision, v.back());
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: records_bench DIR|POSTGRESQL_URL [RECORDS] [RUNS]\n";
    return 2;
  }
  const std::string where = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  const bool postgres = where.starts_with("postgresql://") || where.starts_with("postgres://");
  std::unique_ptr<BenchStore> store;
  if (postgres) store = std::make_unique<PostgresStore>(where);
  else store = std::make_unique<SqliteStore>(where);
  const std::string alone = postgres ? "libpq" : "SQLite";

  struct Row {
    std::string name;
    std::function<std::optional<double>()> seconds;
    std::vector<double> per_second;
  };
  const selvhjelp::config::ServiceConfig& config = store->config;
  std::vector<Row> rows = {
      {"Outbox::Enqueue, 1 client", [&] { return Enqueue(config, n, 1); }, {}},
      {"Outbox::Enqueue, 16 clients", [&] { return Enqueue(config, n, 16); }, {}},
      {alone + " alone, 1 row a commit (without group commit)", [&] { return store->Alone(n, 1, 1); }, {}},
      {alone + " alone, 16 rows a commit", [&] { return store->Alone(n, 16, 1); }, {}},
  };
  if (postgres) {
    rows.push_back({"libpq alone, 16 connections, 1 row a commit each", [&] { return store->Alone(n, 1, 16); }, {}});
  }
  // Ratios within each run: {label, numerator row, denominator row}.
  struct Ratio {
    std::string name;
    size_t of, to;
    std::vector<double> values;
  };
  std::vector<Ratio> ratios = {
      {"1 client / " + alone + " 1 row a commit", 0, 2, {}},
      {"16 clients / " + alone + " 1 row a commit", 1, 2, {}},
      {"16 clients / " + alone + " 16 rows a commit", 1, 3, {}},
  };
  if (postgres) ratios.push_back({"16 clients / libpq 16 connections, 1 row a commit each", 1, 4, {}});

  for (int run = 0; run < runs; ++run) {
    for (Row& row : rows) {
      std::optional<double> seconds;
      if (store->Reset()) seconds = row.seconds();
      if (!seconds) {
        std::cerr << "records_bench: " << row.name << ": a write failed (" << where << ")\n";
        return 1;
      }
      row.per_second.push_back(n / *seconds);
    }
    for (Ratio& r : ratios) r.values.push_back(rows[r.of].per_second.back() / rows[r.to].per_second.back());
  }
  store->RemoveFiles();
  std::cout << "records committed per second, " << (postgres ? "synchronous_commit=on" : "synchronous=FULL") << ", "
            << n << " records each, " << runs << (runs == 1 ? " run:\n" : " runs (range):\n");
  for (const Row& row : rows) std::cout << "  " << row.name << "\t" << Range(row.per_second) << "\n";
  for (const Ratio& r : ratios) std::cout << "  " << r.name << "\t" << Range(r.values, 2) << "\n";
  return 0;
}
