// Records committed per second through Outbox::Enqueue (synchronous=FULL) with 1 and 16 client
// threads, next to SQLite's own loops on the same disk in the same run: one row per transaction
// (the floor: one fsync a record) and 16 rows per transaction (the ceiling a group commit of 16
// clients can reach). Same table, same row size. RUNS runs (3 unless given); prints each figure's
// range and the ratios of 16 clients to SQLite's loops within each run (one value for one run).
// Usage: records_bench DIR [RECORDS] [RUNS]   (DIR on the disk to measure; files are removed afterwards)
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "plugin/store/outbox.h"

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

// Records per second of `run` committing `n` records into a fresh store file.
double PerSecond(const fs::path& file, int n, const std::function<bool(const fs::path&, int)>& run) {
  fs::remove(file);
  fs::remove(file.string() + "-wal");
  fs::remove(file.string() + "-shm");
  { auto created = Outbox::Open(file); if (!created.ok()) return 0; }  // the outbox's schema
  const auto start = Clock::now();
  if (!run(file, n)) return 0;
  return n / std::chrono::duration<double>(Clock::now() - start).count();
}

bool Enqueue(const fs::path& file, int n, int clients) {
  auto outbox = Outbox::Open(file);
  if (!outbox.ok()) return false;
  std::vector<std::thread> threads;
  bool failed = false;  // written only as false -> true; read after join
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i = c; i < n; i += clients) {
        if (!(*outbox)->Enqueue(Record(i)).ok()) failed = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return !failed;
}

// SQLite alone: the outbox's INSERT, `per_commit` rows a transaction, one connection.
bool RawLoop(const fs::path& file, int n, int per_commit) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) return false;
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO outbox(record_id, content_hash, bundle, state, created_ms, next_attempt_ms, "
                     "subject_key, recipient, outcome, override_code, encounter_id, outcome_at) "
                     "VALUES(?,?,?,'pending',?,?,?,?,?,?,?,?)",
                     -1, &insert, nullptr);
  bool ok = insert != nullptr;
  for (int i = 0; ok && i < n; i += per_commit) {
    if (per_commit > 1) sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (int j = i; j < std::min(n, i + per_commit); ++j) {
      const NewOutboxRecord r = Record(j);
      sqlite3_bind_text(insert, 1, r.record_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 2, r.content_hash.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 3, r.bundle_json.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 4, r.created_ms);
      sqlite3_bind_int64(insert, 5, r.created_ms);
      sqlite3_bind_text(insert, 6, r.subject_key.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 7, r.recipient.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 8, r.outcome.outcome.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 9, "", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 10, "", -1, SQLITE_STATIC);
      sqlite3_bind_int64(insert, 11, r.outcome.at);
      ok = ok && sqlite3_step(insert) == SQLITE_DONE;
      sqlite3_reset(insert);
    }
    if (per_commit > 1) ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return ok;
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
    std::cerr << "usage: records_bench DIR [RECORDS] [RUNS]\n";
    return 2;
  }
  const fs::path dir = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  fs::create_directories(dir);
  const fs::path file = dir / "records-bench.db";
  struct Row {
    const char* name;
    std::function<bool(const fs::path&, int)> run;
    std::vector<double> per_second;
  };
  std::vector<Row> rows = {
      {"Outbox::Enqueue, 1 client", [](const fs::path& f, int k) { return Enqueue(f, k, 1); }, {}},
      {"Outbox::Enqueue, 16 clients", [](const fs::path& f, int k) { return Enqueue(f, k, 16); }, {}},
      {"SQLite alone, 1 row a commit", [](const fs::path& f, int k) { return RawLoop(f, k, 1); }, {}},
      {"SQLite alone, 16 rows a commit", [](const fs::path& f, int k) { return RawLoop(f, k, 16); }, {}},
  };
  std::vector<double> ratio_floor, ratio_ceiling;
  for (int run = 0; run < runs; ++run) {
    for (Row& row : rows) {
      const double rate = PerSecond(file, n, row.run);
      if (rate == 0) {
        std::cerr << row.name << ": a write failed\n";
        return 1;
      }
      row.per_second.push_back(rate);
    }
    ratio_floor.push_back(rows[1].per_second.back() / rows[2].per_second.back());
    ratio_ceiling.push_back(rows[1].per_second.back() / rows[3].per_second.back());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
  std::cout << "records committed per second, synchronous=FULL, " << n << " records each, " << runs
            << (runs == 1 ? " run:\n" : " runs (range):\n");
  for (const Row& row : rows) std::cout << "  " << row.name << "\t" << Range(row.per_second) << "\n";
  std::cout << "  16 clients / SQLite 1 row a commit\t" << Range(ratio_floor, 2) << "\n"
            << "  16 clients / SQLite 16 rows a commit\t" << Range(ratio_ceiling, 2) << "\n";
  return 0;
}
