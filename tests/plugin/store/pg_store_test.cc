// The PostgreSQL store against a real PostgreSQL server, started for these tests in a temporary
// folder (tests/pg/pg_server.sh): group commit and the idempotency decision, leases between two
// instances (one holder; a dead holder's lease taken over; only the holder's outcome counts), the
// shared replay cache, the shared ledger, migrations run once and a newer schema refused, and a
// database that goes away answered as Unavailable. Skipped, saying so, only when PostgreSQL's
// server binaries are absent (scripts/install-deps.sh --tests installs them).
#define BOOST_TEST_MODULE pg_store_tests
#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "plugin/store/ledger.h"
#include "plugin/store/outbox.h"
#include "plugin/store/pg_db.h"
#include "plugin/store/pg_schema.h"
#include "plugin/store/pg_store.h"
#include "tests/plugin/store/latest_outcomes_check.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

namespace {

// Runs `command`; its stdout's first line, and its exit code.
std::pair<std::string, int> Run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {"", -1};
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = ::pclose(pipe);
  if (const size_t nl = out.find('\n'); nl != std::string::npos) out.resize(nl);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

// One server for this run, started on first use and stopped at exit.
class TestPostgres {
 public:
  static TestPostgres& Get() {
    static TestPostgres server;
    return server;
  }
  bool up() const { return !url_.empty(); }
  const std::string& why_not() const { return why_not_; }
  // A new empty database's store.url.
  std::string NewDatabase() {
    return Run(script_ + " createdb " + dir_.string() + " t" + std::to_string(++databases_)).first;
  }
  ~TestPostgres() {
    (void)Run(script_ + " stop " + dir_.string());
    fs::remove_all(dir_);
  }

 private:
  TestPostgres() {
    fs::create_directories(dir_);
    auto [url, code] = Run(script_ + " start " + dir_.string());
    if (code == 0) url_ = url;
    why_not_ = code == 77 ? "PostgreSQL is not installed (scripts/install-deps.sh --tests)"
                          : "tests/pg/pg_server.sh start failed (exit " + std::to_string(code) + ")";
  }
  const std::string script_ = "bash " SELVHJELP_SOURCE_DIR "/tests/pg/pg_server.sh";
  const fs::path dir_ = fs::temp_directory_path() / ("selvhjelp-pg-" + std::to_string(::getpid()));
  std::string url_, why_not_;
  int databases_ = 0;
};

// Skips a test, saying why, when no server could be started.
struct PostgresUp {
  boost::test_tools::assertion_result operator()(utf::test_unit_id) {
    TestPostgres& pg = TestPostgres::Get();
    boost::test_tools::assertion_result up(pg.up());
    if (!pg.up()) up.message() << pg.why_not();
    return up;
  }
};

config::PostgresStoreConfig Config(const std::string& url) {
  config::PostgresStoreConfig c;
  c.url = url;
  c.pool_size = 4;
  c.lease_seconds = 5;
  c.timeout_seconds = 5;
  return c;
}

// One "instance" of the service over the database at `url`: its own pool, ledger and outbox.
struct Instance {
  explicit Instance(const std::string& url) {
    auto backends = OpenPgBackends(Config(url));
    BOOST_REQUIRE_MESSAGE(backends.ok(), backends.status().message());
    ledger = std::move(Ledger::Create(std::move(backends->ledger))).value();
    outbox = std::move(Outbox::Create(std::move(backends->outbox), &ledger->write_health())).value();
    used_jtis = backends->used_jtis;
  }
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Outbox> outbox;
  std::shared_ptr<JtiStore> used_jtis;
};

NewOutboxRecord Entry(const std::string& id, const std::string& hash, int64_t at_seconds) {
  NewOutboxRecord r{id, hash, "{\"resourceType\":\"Bundle\"}", "key-1", "patient",
                    LocalOutcome{"overridden", "declined", "e1", at_seconds}, at_seconds * 1000, {}};
  r.facts.sent = "2026-11-01T10:00:00+01:00";
  r.facts.sent_seconds = at_seconds;
  r.facts.level = "written";
  r.facts.group_ids = {"demo|a", "demo|b"};
  r.facts.group_names = {"A", "B"};
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(concurrent_records_commit_together_and_retries_are_recognised, *utf::precondition(PostgresUp())) {
  Instance a(TestPostgres::Get().NewDatabase());
  constexpr int kClients = 16, kEach = 20;
  std::atomic<int> fresh{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kEach; ++i) {
        auto r = a.outbox->Enqueue(Entry("c" + std::to_string(c) + "-" + std::to_string(i), "h", 100 + i));
        if (r.ok() && *r == Outbox::Enqueued::kNew) ++fresh;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  BOOST_TEST(fresh.load() == kClients * kEach);
  // Group commit: the records shared transactions (one per record without it).
  BOOST_TEST(a.outbox->batches_committed() < kClients * kEach / 2,
             std::to_string(a.outbox->batches_committed()) + " commits");
  BOOST_TEST(a.outbox->Counts()->pending == kClients * kEach);
  BOOST_TEST((*a.outbox->Enqueue(Entry("c0-0", "h", 100)) == Outbox::Enqueued::kAlreadyStored));
  BOOST_TEST((a.outbox->Enqueue(Entry("c0-0", "other", 100)).status().code() == StatusCode::kAlreadyExists));
  // Facts are written with the record and read back whole.
  auto records = a.outbox->Records("key-1");
  BOOST_REQUIRE(records.ok());
  BOOST_TEST(records->size() == static_cast<size_t>(kClients * kEach));
  BOOST_TEST(records->front().facts.group_names == (std::vector<std::string>{"A", "B"}), boost::test_tools::per_element());
  BOOST_TEST(records->front().delivery == "pending");
  BOOST_TEST(a.outbox->LatestOutcome("key-1", "patient")->at == 100 + kEach - 1);
}

BOOST_AUTO_TEST_CASE(a_claim_is_a_lease_that_another_instance_takes_over_when_it_expires,
                     *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  Instance a(url), b(url);
  BOOST_REQUIRE(a.outbox->Enqueue(Entry("r1", "h", 1)).ok());
  BOOST_REQUIRE(b.outbox->Enqueue(Entry("r2", "h", 2)).ok());
  const int64_t now = 10'000;
  auto a1 = a.outbox->ClaimDue(now);
  auto b1 = b.outbox->ClaimDue(now);
  BOOST_REQUIRE(a1.ok() && a1->has_value() && b1.ok() && b1->has_value());
  BOOST_TEST((*a1)->record_id == "r1");  // due first
  BOOST_TEST((*b1)->record_id == "r2");  // r1 is A's: never the same record
  BOOST_TEST(!a.outbox->ClaimDue(now)->has_value());
  BOOST_TEST(*b.outbox->NextDueMs() == now + 5000);  // when the first lease runs out
  // A dies holding r1; B gives r2 back unchanged (shutdown) and takes r1 over once the lease ran out.
  b.outbox->Release("r2");
  auto taken = b.outbox->ClaimDue(now + 5001);
  BOOST_REQUIRE(taken.ok() && taken->has_value());
  BOOST_TEST((*taken)->record_id == "r1");
  // A's late outcome does not count (and says so: A counts no delivery); B's does.
  BOOST_TEST((a.outbox->MarkDelivered("r1", "Communication/late", now + 6000).code() == StatusCode::kFailedPrecondition));
  BOOST_TEST((*a.outbox->Get("r1"))->state == "pending");
  BOOST_TEST(b.outbox->MarkDelivered("r1", "Communication/1", now + 6000).ok());
  auto r1 = *b.outbox->Get("r1");
  BOOST_TEST(r1->state == "delivered");
  BOOST_TEST(r1->location == "Communication/1");
  BOOST_TEST(r1->attempts == 1);
  auto r2 = a.outbox->ClaimDue(now + 6000);  // released: due again at once
  BOOST_REQUIRE(r2.ok() && r2->has_value());
  BOOST_TEST((*r2)->record_id == "r2");
  BOOST_TEST(a.outbox->MarkRetry("r2", now + 60'000, "HTTP 503").ok());
  BOOST_TEST((*b.outbox->Get("r2"))->next_attempt_ms == now + 60'000);
  BOOST_TEST((a.outbox->MarkParked("r2", "HTTP 422").code() == StatusCode::kFailedPrecondition));  // not A's: no change
  BOOST_TEST((*b.outbox->Get("r2"))->state == "pending");
}

BOOST_AUTO_TEST_CASE(a_record_this_instance_still_delivers_is_not_claimed_again_when_its_lease_runs_out,
                     *utf::precondition(PostgresUp())) {
  Instance a(TestPostgres::Get().NewDatabase());
  BOOST_REQUIRE(a.outbox->Enqueue(Entry("r1", "h", 1)).ok());
  const int64_t now = 10'000;
  auto first = a.outbox->ClaimDue(now);
  BOOST_REQUIRE(first.ok() && first->has_value());
  // The first worker is still sending r1 when its lease lapses: another worker here keeps off it.
  auto second = a.outbox->ClaimDue(now + 5001);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(!second->has_value());
  BOOST_TEST(a.outbox->MarkRetry("r1", now + 5001, "HTTP 503").ok());
  auto again = a.outbox->ClaimDue(now + 5001);  // finished: due again
  BOOST_REQUIRE(again.ok() && again->has_value());
  BOOST_TEST((*again)->record_id == "r1");
}

BOOST_AUTO_TEST_CASE(a_token_used_on_one_instance_is_refused_on_another, *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  Instance a(url), b(url);
  BOOST_TEST(*a.used_jtis->Claim("https://ehr.example", "jti-1", 1300, 1000) == true);
  BOOST_TEST(*b.used_jtis->Claim("https://ehr.example", "jti-1", 1300, 1000) == false);
  BOOST_TEST(*b.used_jtis->Claim("https://other.example", "jti-1", 1300, 1000) == true);  // per issuer
  BOOST_TEST(*b.used_jtis->Claim("https://ehr.example", "jti-1", 2000, 1301) == true);    // expired: new use
  // A NUL would cut the value short in libpq ("jti-1\0x" would be "jti-1"): refused, nothing written.
  auto nul = b.used_jtis->Claim("https://ehr.example", std::string("jti-2\0x", 7), 2000, 1302);
  BOOST_TEST((nul.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(*b.used_jtis->Claim("https://ehr.example", "jti-2", 2000, 1302) == true);
}

BOOST_AUTO_TEST_CASE(instances_share_the_ledger, *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  Instance a(url), b(url);
  const std::string key = a.ledger->SubjectKey("https://ehr.example/fhir/", "pat-1");
  BOOST_TEST(key == b.ledger->SubjectKey("https://ehr.example/fhir", "pat-1"));  // one salt for all
  a.ledger->QueueCards({CardIssued{"card-1", "svc", key, "enc-1", "patient", 1000}});
  auto unknown = a.ledger->RecordFeedback({FeedbackEntry{"card-1", "overridden", "", "declined", "t", false}}, 1100);
  BOOST_REQUIRE(unknown.ok());
  BOOST_TEST(*unknown == 0);
  auto seen = b.ledger->LatestOutcome(key, "patient");  // read from the store, not a cache
  BOOST_REQUIRE(seen.has_value());
  BOOST_TEST(seen->outcome == "overridden");
  BOOST_TEST(seen->encounter_id == "enc-1");
  BOOST_TEST(*b.ledger->RecordFeedback({FeedbackEntry{"card-x", "accepted", "", "", "t", false}}, 1200) == 1);
  BOOST_TEST(*a.ledger->CountFeedback() == 2);
  BOOST_TEST(a.ledger->SaveSnapshot("source-1", "[1]", 5).ok());
  auto snapshot = b.ledger->LoadSnapshot("source-1");
  BOOST_REQUIRE(snapshot.ok() && snapshot->has_value());
  BOOST_TEST((*snapshot)->groups_json == "[1]");
  BOOST_TEST(a.ledger->Readiness().ok());
}

BOOST_AUTO_TEST_CASE(statements_sent_at_once_answer_in_order_and_a_failure_writes_nothing,
                     *utf::precondition(PostgresUp())) {
  auto pool = PgPool::Open(Config(TestPostgres::Get().NewDatabase()));
  BOOST_REQUIRE(pool.ok());
  {
    auto conn = (*pool)->Acquire();
    BOOST_REQUIRE(conn.ok());
    BOOST_REQUIRE((*conn)->Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)", {}, "t").ok());
    auto all = (*conn)->ExecAll({{"BEGIN", {}}, {"INSERT INTO t VALUES($1, $2)", {1, "a"}},
                                 {"INSERT INTO t VALUES($1, $2)", {2, "b"}}, {"SELECT v FROM t ORDER BY id", {}},
                                 {"COMMIT", {}}}, "t");
    BOOST_REQUIRE(all.ok());
    BOOST_TEST(all->size() == 5u);
    BOOST_TEST((*all)[1].affected() == 1);
    BOOST_TEST((*all)[3].size() == 2u);
    BOOST_TEST((*all)[3].Text(1, 0) == "b");
    BOOST_TEST((*conn)->Idle());
    // A duplicate key half-way: the failure is reported, the rest skipped, nothing committed.
    auto failed = (*conn)->ExecAll({{"BEGIN", {}}, {"INSERT INTO t VALUES($1, $2)", {3, "c"}},
                                    {"INSERT INTO t VALUES($1, $2)", {1, "again"}}, {"COMMIT", {}}}, "t");
    BOOST_TEST((failed.status().code() == StatusCode::kUnavailable));
    BOOST_TEST(!(*conn)->Idle());  // a failed statement: the pool closes this connection
  }
  auto conn = (*pool)->Acquire();  // a fresh one
  BOOST_REQUIRE(conn.ok());
  BOOST_TEST((*conn)->Idle());
  auto rows = (*conn)->ExecPrepared("SELECT COUNT(*) FROM t WHERE id=ANY($1::int[])", {"{1,2,3}"}, "t");
  BOOST_REQUIRE(rows.ok());
  BOOST_TEST(rows->Int(0, 0) == 2);  // 3 was rolled back with the failed batch
  auto again = (*conn)->ExecPrepared("SELECT COUNT(*) FROM t WHERE id=ANY($1::int[])", {"{1}"}, "t");  // prepared
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->Int(0, 0) == 1);
}

BOOST_AUTO_TEST_CASE(latest_outcomes_at_once_are_the_four_reads, *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  Instance a(url), b(url);
  testing::CheckLatestOutcomes(*a.ledger, *a.outbox);
  // Another instance reads the same at once (nothing cached).
  const std::string k1 = b.ledger->SubjectKey("https://ehr.example", "p1");
  auto seen = b.ledger->LatestOutcomes(k1, {"patient", "relatives"}, b.outbox.get());
  BOOST_TEST(testing::Describe(seen[1]) == "accepted||enc-r2|1200");
}

BOOST_AUTO_TEST_CASE(the_schema_is_migrated_once_and_a_newer_one_is_refused, *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  {
    // Instances starting together: one migrates, the others wait for the lock and find it done.
    std::vector<std::thread> starts;
    std::atomic<int> opened{0};
    for (int i = 0; i < 4; ++i) starts.emplace_back([&] { opened += OpenPgBackends(Config(url)).ok(); });
    for (std::thread& t : starts) t.join();
    BOOST_TEST(opened.load() == 4);
  }
  auto pool = PgPool::Open(Config(url));
  BOOST_REQUIRE(pool.ok());
  auto conn = (*pool)->Acquire();
  BOOST_REQUIRE(conn.ok());
  auto versions = (*conn)->Exec("SELECT COUNT(*), MAX(version) FROM schema_migrations", {}, "test");
  BOOST_REQUIRE(versions.ok());
  BOOST_TEST(versions->Int(0, 0) == CurrentSchemaVersion());
  BOOST_TEST(versions->Int(0, 1) == CurrentSchemaVersion());
  BOOST_REQUIRE((*conn)->Exec("INSERT INTO schema_migrations(version) VALUES(99)", {}, "test").ok());
  auto newer = OpenPgBackends(Config(url));
  BOOST_TEST((newer.status().code() == StatusCode::kFailedPrecondition));
  BOOST_TEST(newer.status().message().find("newer than this selvhjelp knows") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_migrated_schema_needs_no_create_privilege, *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  BOOST_REQUIRE(OpenPgBackends(Config(url)).ok());  // migrated by its owner
  {
    auto pool = PgPool::Open(Config(url));
    BOOST_REQUIRE(pool.ok());
    auto conn = (*pool)->Acquire();
    BOOST_REQUIRE(conn.ok());
    // A role that may read and write the tables, and create nothing.
    BOOST_REQUIRE((*conn)->Script(
        "DO $$BEGIN IF NOT EXISTS(SELECT 1 FROM pg_roles WHERE rolname='app') THEN CREATE ROLE app LOGIN; END IF; END$$;"
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app;"
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO app", "test").ok());
  }
  const std::string as_app = "postgresql://app@" + url.substr(url.find('@') + 1);
  auto opened = OpenPgBackends(Config(as_app));
  BOOST_TEST(opened.ok(), opened.status().message());
}

BOOST_AUTO_TEST_CASE(a_database_that_goes_away_is_unavailable_and_never_a_commit, *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  const std::string name = url.substr(url.rfind('/') + 1);
  Instance a(url);
  BOOST_REQUIRE(a.outbox->Enqueue(Entry("before", "h", 1)).ok());
  {
    // The database refuses new connections and drops the open ones, as a server going down would.
    auto admin = PgPool::Open(Config(url.substr(0, url.rfind('/')) + "/postgres"));
    BOOST_REQUIRE(admin.ok());
    auto conn = (*admin)->Acquire();
    BOOST_REQUIRE(conn.ok());
    BOOST_REQUIRE((*conn)->Script(("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false").c_str(), "test").ok());
    BOOST_REQUIRE((*conn)->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=$1",
                                {name}, "test").ok());
  }
  auto refused = a.outbox->Enqueue(Entry("during", "h", 2));
  BOOST_TEST((refused.status().code() == StatusCode::kUnavailable));
  BOOST_TEST(refused.status().message().find("store: ") == 0);
  BOOST_TEST((a.outbox->ClaimDue(10'000).status().code() == StatusCode::kUnavailable));
  BOOST_TEST((a.ledger->Readiness().code() == StatusCode::kUnavailable));
  BOOST_TEST((OpenPgBackends(Config("postgresql://selvhjelp@127.0.0.1:1/none")).status().code() ==
              StatusCode::kUnavailable));
  {
    auto admin = PgPool::Open(Config(url.substr(0, url.rfind('/')) + "/postgres"));
    BOOST_REQUIRE(admin.ok());
    auto conn = (*admin)->Acquire();
    BOOST_REQUIRE(conn.ok());
    BOOST_REQUIRE((*conn)->Script(("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true").c_str(), "test").ok());
  }
  // Back: the pool reconnects; the refused record was never stored, the earlier one was.
  BOOST_TEST(!(*a.outbox->Get("during")).has_value());
  BOOST_TEST((*a.outbox->Get("before")).has_value());
  BOOST_TEST((*a.outbox->Enqueue(Entry("during", "h", 2)) == Outbox::Enqueued::kNew));
}
