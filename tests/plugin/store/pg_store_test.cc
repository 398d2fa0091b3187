// The PostgreSQL store against a real PostgreSQL server, started for these tests in a temporary
// folder (tests/pg/pg_server.sh): group commit and the idempotency decision, leases between two
// instances (one holder; a dead holder's lease taken over; only the holder's outcome counts), the
// shared replay cache, the shared ledger, the app's sessions shared and kept encrypted, group
// sources read by one instance at a time (a claim per source, the others following the
// snapshot's version), migrations run once and a newer schema refused, and a database that goes
// away answered as Unavailable. Skipped, saying so, only when PostgreSQL's
// server binaries are absent (scripts/install-deps.sh --tests installs them).
#define BOOST_TEST_MODULE pg_store_tests
#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plugin/app/app_sessions.h"
#include "plugin/app/sealed_session.h"
#include "plugin/groups/group_file_source.h"
#include "plugin/groups/live_directory.h"
#include "plugin/store/ledger.h"
#include "plugin/store/outbox.h"
#include "plugin/store/pg_db.h"
#include "plugin/store/pg_schema.h"
#include "plugin/store/pg_store.h"
#include "plugin/auth/sha256.h"
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

const std::string kSessionKey(32, '\x11');

config::PostgresStoreConfig Config(const std::string& url, const std::string& session_key = kSessionKey) {
  config::PostgresStoreConfig c;
  c.url = url;
  c.session_key = session_key;
  c.pool_size = 4;
  c.lease_seconds = 5;  // also a group source read's claim
  c.timeout_seconds = 5;
  return c;
}

// One "instance" of the service over the database at `url`: its own pool, ledger and outbox.
struct Instance {
  explicit Instance(const std::string& url, const std::string& session_key = kSessionKey) {
    auto backends = OpenPgBackends(Config(url, session_key));
    BOOST_REQUIRE_MESSAGE(backends.ok(), backends.status().message());
    ledger = std::move(Ledger::Create(std::move(backends->ledger))).value();
    outbox = std::move(Outbox::Create(std::move(backends->outbox), &ledger->write_health())).value();
    used_jtis = backends->used_jtis;
    app_sessions = std::move(backends->app_sessions);
    BOOST_REQUIRE(app_sessions != nullptr);
  }
  // The app's sessions of this instance, at the clock `now`.
  AppSessions Sessions(const int64_t& now, AppSessionSettings settings = {}) {
    return AppSessions(settings, *app_sessions, [&now] { return now; }, [](size_t n) {
      static int counter = 0;
      return std::to_string(++counter) + std::string(n, 's');
    });
  }
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Outbox> outbox;
  std::shared_ptr<JtiStore> used_jtis;
  std::unique_ptr<SessionBackend> app_sessions;
};

LaunchContext Launch(int64_t now) {
  LaunchContext c;
  c.iss = "https://ehr.example/fhir";
  c.access_token = "ehr-access-token-SECRET";
  c.expires_at = now + 3600;
  c.patient = "pat-1";
  c.fhir_user = "Practitioner/prac-1";
  return c;
}

// Every row of app_sessions, each column as text, joined.
std::vector<std::string> SessionRows(const std::string& url) {
  auto pool = PgPool::Open(Config(url));
  BOOST_REQUIRE(pool.ok());
  auto conn = (*pool)->Acquire();
  BOOST_REQUIRE(conn.ok());
  auto rows = (*conn)->Exec("SELECT id_hash || ' ' || sealed || ' ' || created || ' ' || last_used || ' ' || expires_at "
                            "FROM app_sessions ORDER BY created", {}, "test");
  BOOST_REQUIRE(rows.ok());
  std::vector<std::string> out;
  for (size_t r = 0; r < rows->size(); ++r) out.push_back(rows->Text(r, 0));
  return out;
}

// Runs `sql` on the database at `url`.
void Sql(const std::string& url, const std::string& sql) {
  auto pool = PgPool::Open(Config(url));
  BOOST_REQUIRE(pool.ok());
  auto conn = (*pool)->Acquire();
  BOOST_REQUIRE(conn.ok());
  BOOST_REQUIRE((*conn)->Script(sql.c_str(), "test").ok());
}

int Code(const Status& s) { return static_cast<int>(s.code()); }

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

BOOST_AUTO_TEST_CASE(a_record_holding_a_nul_is_refused_alone_and_the_others_of_its_batch_are_stored,
                     *utf::precondition(PostgresUp())) {
  // PostgreSQL refuses text with a NUL, and one refused value fails the whole transaction: before
  // the check, every record committed together with such a record was refused too.
  Instance a(TestPostgres::Get().NewDatabase());
  constexpr int kClients = 8, kEach = 10;
  std::atomic<int> fresh{0}, refused{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kEach; ++i) {
        NewOutboxRecord r = Entry("n" + std::to_string(c) + "-" + std::to_string(i), "h", 100 + i);
        if (c == 0) r.facts.group_names[1] = std::string("B\0C", 3);
        auto stored = a.outbox->Enqueue(r);
        if (stored.ok() && *stored == Outbox::Enqueued::kNew) ++fresh;
        if (!stored.ok() && stored.status().code() == StatusCode::kInvalidArgument &&
            stored.status().message() == "groups: the record holds a NUL character, which the store cannot keep") {
          ++refused;
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  BOOST_TEST(fresh.load() == (kClients - 1) * kEach);
  BOOST_TEST(refused.load() == kEach);
  BOOST_TEST(a.outbox->Counts()->pending == (kClients - 1) * kEach);
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

BOOST_AUTO_TEST_CASE(statements_are_planned_once_per_connection, *utf::precondition(PostgresUp())) {
  // The hook's outcome read takes its recipients as unnest($n::text[]); with PostgreSQL's default
  // plan choice such a statement was planned anew on every execution (docs/store.md).
  auto pool = PgPool::Open(Config(TestPostgres::Get().NewDatabase()));
  BOOST_REQUIRE(pool.ok());
  auto conn = (*pool)->Acquire();
  BOOST_REQUIRE(conn.ok());
  for (int i = 0; i < 8; ++i) {
    BOOST_REQUIRE((*conn)->ExecPrepared("SELECT count(*) FROM unnest($1::text[]) AS k(recipient)", {"{patient,relatives}"},
                                        "test").ok());
  }
  auto plans = (*conn)->Exec("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                             "WHERE statement LIKE 'SELECT count(*) FROM unnest%'", {}, "test");
  BOOST_REQUIRE(plans.ok());
  BOOST_REQUIRE(plans->size() == 1u);
  BOOST_TEST(plans->Int(0, 1) == 0);  // no custom plan
  BOOST_TEST(plans->Int(0, 0) == 8);  // the generic plan, reused
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
  // A batch over several round trips (64 cards each) is written whole: its first and last cards
  // are known to the other instance.
  std::vector<CardIssued> many;
  for (int i = 0; i < 150; ++i) many.push_back(CardIssued{"many-" + std::to_string(i), "svc", key, "enc-2", "patient", 1300});
  a.ledger->QueueCards(std::move(many));
  BOOST_REQUIRE(a.ledger->FlushCards().ok());
  BOOST_TEST(*b.ledger->RecordFeedback({FeedbackEntry{"many-0", "accepted", "", "", "t", false},
                                        FeedbackEntry{"many-149", "accepted", "", "", "t", false}}, 1400) == 0);
  BOOST_TEST(a.ledger->SaveSnapshot("source-1", "[1]", 5).ok());
  auto snapshot = b.ledger->LoadSnapshot("source-1");
  BOOST_REQUIRE(snapshot.ok() && snapshot->has_value());
  BOOST_TEST((*snapshot)->groups_json == "[1]");
  BOOST_TEST(a.ledger->Readiness().ok());
}

BOOST_AUTO_TEST_CASE(an_app_session_started_on_one_instance_is_used_and_ended_on_another, *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  Instance a(url), b(url);
  int64_t now = 1'800'000'000;
  AppSessions on_a = a.Sessions(now), on_b = b.Sessions(now);
  auto started = on_a.Create(Launch(now));
  BOOST_REQUIRE(started.ok());
  const AppSession& session = **started;
  now += 30;
  auto found = on_b.FindForChange(session.id, session.csrf);
  BOOST_REQUIRE_MESSAGE(found.ok(), found.status().message());
  BOOST_TEST((*found)->context.access_token == "ehr-access-token-SECRET");
  BOOST_TEST((*found)->context.patient == "pat-1");
  BOOST_TEST((*found)->created == session.created);
  BOOST_TEST(Code(on_b.FindForChange(session.id, "another").status()) == static_cast<int>(StatusCode::kPermissionDenied));
  // What the database holds: the id's hash, the sealed session, times; no cookie value, token or patient.
  std::vector<std::string> rows = SessionRows(url);
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].rfind(Sha256Hex(session.id) + " ", 0) == 0u, rows[0]);
  for (const std::string& secret : {session.id, session.csrf, std::string("ehr-access-token"), std::string("pat-1"),
                                    std::string("prac-1")}) {
    BOOST_TEST(rows[0].find(secret) == std::string::npos, secret);
  }
  // Renewed at most once a minute: 30 s later the row is unchanged, 60 s later it is renewed.
  BOOST_TEST(rows[0].find(" " + std::to_string(now - 30) + " " + std::to_string(now - 30) + " ") != std::string::npos);
  now += 30;
  BOOST_REQUIRE(on_b.Find(session.id).ok());
  BOOST_TEST(SessionRows(url)[0].find(" " + std::to_string(now - 60) + " " + std::to_string(now) + " ") != std::string::npos,
             SessionRows(url)[0]);
  BOOST_REQUIRE(on_b.End(session.id).ok());  // ended on B: ended on A
  BOOST_TEST(Code(on_a.Find(session.id).status()) == static_cast<int>(StatusCode::kUnauthenticated));
  BOOST_TEST(SessionRows(url).empty());
}

BOOST_AUTO_TEST_CASE(an_app_session_row_swapped_changed_or_read_with_another_key_is_no_session, *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  Instance a(url), rotated(url, std::string(32, '\x22'));
  int64_t now = 1'800'000'000;
  AppSessions sessions = a.Sessions(now);
  auto first = sessions.Create(Launch(now)).value();
  auto second = sessions.Create(Launch(now)).value();
  const int unauthenticated = static_cast<int>(StatusCode::kUnauthenticated);
  BOOST_TEST(Code(rotated.Sessions(now).Find(first->id).status()) == unauthenticated);  // a restart with a new key
  BOOST_REQUIRE(sessions.Find(first->id).ok());
  // One row's sealed session copied into the other's: it does not open there.
  Sql(url, "UPDATE app_sessions SET sealed=(SELECT sealed FROM app_sessions WHERE id_hash='" + SessionIdHash(first->id) +
               "') WHERE id_hash='" + SessionIdHash(second->id) + "'");
  BOOST_TEST(Code(sessions.Find(second->id).status()) == unauthenticated);
  BOOST_REQUIRE(sessions.Find(first->id).ok());
  // A changed byte; and times moved in clear cannot lengthen the session past its sealed expiry.
  Sql(url, "UPDATE app_sessions SET sealed=overlay(sealed placing (CASE WHEN substr(sealed, 30, 1)='A' THEN 'B' ELSE 'A' END) "
           "from 30 for 1) WHERE id_hash='" + SessionIdHash(first->id) + "'");
  BOOST_TEST(Code(sessions.Find(first->id).status()) == unauthenticated);
  auto third = sessions.Create(Launch(now)).value();
  Sql(url, "UPDATE app_sessions SET expires_at=expires_at+100000, created=created+100000");
  now += 3600;
  BOOST_TEST(Code(sessions.Find(third->id).status()) == unauthenticated);
}

BOOST_AUTO_TEST_CASE(app_sessions_are_bounded_across_instances_and_ended_ones_are_dropped, *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  Instance a(url), b(url);
  int64_t now = 1'800'000'000;
  const AppSessionSettings settings{1800, 36000, 3};
  AppSessions on_a = a.Sessions(now, settings), on_b = b.Sessions(now, settings);
  auto oldest = on_a.Create(Launch(now)).value();
  now += 1;
  auto idle = on_b.Create(Launch(now)).value();
  now += 100;
  auto kept = on_a.Create(Launch(now)).value();
  BOOST_REQUIRE(on_b.Find(oldest->id).ok());  // renewed: now the most recently used but one
  now += 1;
  auto newest = on_b.Create(Launch(now)).value();
  BOOST_TEST(*a.app_sessions->Count() == 3u);
  BOOST_TEST(Code(on_a.Find(idle->id).status()) == static_cast<int>(StatusCode::kUnauthenticated));  // least recently used
  BOOST_TEST(on_a.Find(oldest->id).ok());
  BOOST_TEST(on_a.Find(newest->id).ok());
  now += 1801;  // all idle too long: dropped by the next launch
  auto next = on_a.Create(Launch(now)).value();
  BOOST_TEST(*b.app_sessions->Count() == 1u);
  BOOST_TEST(on_b.Find(next->id).ok());
  BOOST_TEST(!on_b.Find(kept->id).ok());
}

BOOST_AUTO_TEST_CASE(a_group_source_is_read_by_one_instance_at_a_time_and_the_others_follow_its_version,
                     *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  Instance a(url), b(url);
  // Never read: A claims it; B, at the same moment, does not, and learns nothing was read yet.
  BOOST_TEST(a.ledger->ClaimSourceRead("feed", 100)->claimed);
  auto b1 = b.ledger->ClaimSourceRead("feed", 100);
  BOOST_REQUIRE(b1.ok());
  BOOST_TEST(!b1->claimed);
  BOOST_TEST(b1->shared.attempted_at == 0);
  BOOST_TEST(b1->shared.version == 0);
  // A reads new content: version 1, due again at 110. B follows it until then.
  auto v1 = a.ledger->FinishSourceRead("feed", {100, 110, "", -1, "record 7: name: missing", true, "[1]", "\"v1\"", ""});
  BOOST_REQUIRE(v1.ok());
  BOOST_TEST(*v1 == 1);
  auto b2 = b.ledger->ClaimSourceRead("feed", 105);
  BOOST_REQUIRE(b2.ok());
  BOOST_TEST(!b2->claimed);
  BOOST_TEST(b2->shared.version == 1);
  BOOST_TEST(b2->shared.next_read_at == 110);
  BOOST_TEST(b2->shared.succeeded_at == 100);
  BOOST_TEST(b2->shared.error == "");
  BOOST_TEST(b2->shared.rejected == "record 7: name: missing");
  auto snapshot = b.ledger->LoadSnapshot("feed");
  BOOST_REQUIRE(snapshot.ok() && snapshot->has_value());
  BOOST_TEST((*snapshot)->groups_json == "[1]");
  BOOST_TEST((*snapshot)->version == 1);
  BOOST_TEST((*snapshot)->etag == "\"v1\"");
  BOOST_TEST((*snapshot)->saved_at == 100);
  // Due: whoever claims first reads it (B); an unchanged answer (304) keeps version and validators.
  BOOST_TEST(b.ledger->ClaimSourceRead("feed", 110)->claimed);
  BOOST_TEST(!a.ledger->ClaimSourceRead("feed", 110)->claimed);
  BOOST_TEST(*b.ledger->FinishSourceRead("feed", {110, 120, "", -1, "record 7: name: missing", false, "", "", ""}) == 1);
  auto a1 = a.ledger->ClaimSourceRead("feed", 111);
  BOOST_TEST(!a1->claimed);
  BOOST_TEST(a1->shared.succeeded_at == 110);
  BOOST_TEST(a1->shared.version == 1);
  BOOST_TEST((*a.ledger->LoadSnapshot("feed"))->etag == "\"v1\"");
  // B dies holding the next read: A takes it over once B's claim (5 s) ran out, and B's late
  // report is refused, writing nothing.
  BOOST_TEST(b.ledger->ClaimSourceRead("feed", 120)->claimed);
  BOOST_TEST(!a.ledger->ClaimSourceRead("feed", 124)->claimed);
  BOOST_TEST(a.ledger->ClaimSourceRead("feed", 125)->claimed);
  auto late = b.ledger->FinishSourceRead("feed", {121, 131, "", -1, "", true, "[late]", "", ""});
  BOOST_TEST((late.status().code() == StatusCode::kFailedPrecondition));
  // A's read fails: the others see it stale (its error), with the last success and content kept.
  // A NUL from the source (in a record's id) is left out, not the report.
  BOOST_TEST(*a.ledger->FinishSourceRead("feed", {125, 135, "answered 0 groups where it had 1", 0,
                                                  std::string("record \0x", 9), false, "", "", ""}) == 1);
  auto b3 = b.ledger->ClaimSourceRead("feed", 126);
  BOOST_REQUIRE(b3.ok());
  BOOST_TEST(!b3->claimed);
  BOOST_TEST(b3->shared.attempted_at == 125);
  BOOST_TEST(b3->shared.succeeded_at == 110);
  BOOST_TEST(b3->shared.error == "answered 0 groups where it had 1");
  BOOST_TEST(b3->shared.refused_groups == 0);
  BOOST_TEST(b3->shared.rejected == "record x");
  BOOST_TEST((*b.ledger->LoadSnapshot("feed"))->groups_json == "[1]");
  // Sources are claimed one by one.
  BOOST_TEST(b.ledger->ClaimSourceRead("other", 126)->claimed);
}

namespace {

// A group source over HTTP that counts its reads; `status` other than 200 answers that.
struct CountingFeed {
  std::mutex mutex;
  std::vector<Group> groups;
  int status = 200;
  int reads = 0;
  HttpSend Send() {
    return [this](const HttpRequestSpec&) -> Result<HttpResponse> {
      std::lock_guard<std::mutex> lock(mutex);
      ++reads;
      return HttpResponse{status, status == 200 ? GroupsToJson(groups) : "", "", "", ""};
    };
  }
  void Set(std::vector<Group> now) {
    std::lock_guard<std::mutex> lock(mutex);
    groups = std::move(now);
  }
  int Reads() {
    std::lock_guard<std::mutex> lock(mutex);
    return reads;
  }
};

Group DigitalGroup(const std::string& id) {
  Group g;
  g.id = id;
  g.name = "Digital gruppe " + id + " (syntetisk)";
  g.organisation = "AA";
  g.themes = {"alcohol"};
  g.format = Format::kDigital;
  g.languages = {"nb"};
  g.details.Edit().website = "https://x.example/" + id;
  g.source = "feed";
  return g;
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_directories_on_one_store_read_a_source_once_per_interval_and_serve_the_same,
                     *utf::precondition(PostgresUp())) {
  const std::string url = TestPostgres::Get().NewDatabase();
  Instance a(url), b(url);
  CountingFeed feed;
  feed.Set({DigitalGroup("g1")});
  config::GroupSourceConfig source;
  source.name = "feed";
  source.type = "json";
  source.url = "http://feed.example/groups.json";
  source.refresh_seconds = 10;
  int64_t now = 1000;
  auto clock = [&now] { return now; };
  SourceReaders readers;
  readers.http_send = feed.Send();
  LiveDirectory da({source}, readers, a.ledger.get(), clock), db({source}, readers, b.ledger.get(), clock);
  BOOST_TEST(da.LoadAll().empty());
  BOOST_TEST(db.LoadAll().empty());
  BOOST_TEST(feed.Reads() == 1);  // B served what A read
  BOOST_TEST(db.Current()->size() == 1u);
  BOOST_TEST(db.States()[0].last_success == 1000);
  BOOST_TEST(!db.States()[0].loading);
  // The source changes; when it is due, one of them reads it and both serve it.
  feed.Set({DigitalGroup("g1"), DigitalGroup("g2")});
  now = 1010;
  BOOST_TEST(db.LoadAll().empty());
  BOOST_TEST(da.LoadAll().empty());
  BOOST_TEST(feed.Reads() == 2);
  BOOST_TEST(da.Current()->size() == 2u);
  BOOST_TEST(db.Current()->size() == 2u);
  // The reader's read fails: stale on both, with its error and the last success, content kept.
  feed.status = 503;
  now = 1020;
  BOOST_TEST(!da.LoadAll().empty());
  (void)db.LoadAll();
  BOOST_TEST(feed.Reads() == 3);
  for (LiveDirectory* d : {&da, &db}) {
    const SourceState state = d->States()[0];
    BOOST_TEST(state.stale);
    BOOST_TEST(state.last_error == "http://feed.example/groups.json: HTTP 503");
    BOOST_TEST(state.last_success == 1010);
    BOOST_TEST(state.last_attempt == 1020);
    BOOST_TEST(d->Current()->size() == 2u);
  }
  BOOST_TEST(da.States()[0].failures == 1);  // counted by the instance that read it
  BOOST_TEST(db.States()[0].failures == 0);
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
  BOOST_TEST((a.ledger->ClaimSourceRead("feed", 1).status().code() == StatusCode::kUnavailable));
  BOOST_TEST((a.ledger->Readiness().code() == StatusCode::kUnavailable));
  const int64_t now = 1'800'000'000;
  AppSessions sessions = a.Sessions(now);
  BOOST_TEST((sessions.Create(Launch(now)).status().code() == StatusCode::kUnavailable));
  BOOST_TEST((sessions.Find("some-session").status().code() == StatusCode::kUnavailable));
  BOOST_TEST((sessions.End("some-session").code() == StatusCode::kUnavailable));
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
