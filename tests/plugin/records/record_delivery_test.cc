// What each answer of the EHR means for a record, and the backoff between attempts. The network
// is a fake HttpSend here; tests/integration/records.test.mjs runs the same against a real server.
#include "plugin/records/record_delivery.h"

#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(backoff_doubles_with_jitter_up_to_the_cap) {
  BOOST_TEST(BackoffMs(1, 1000, 60000, 0.0) == 500);
  BOOST_TEST(BackoffMs(1, 1000, 60000, 0.999) == 999);
  BOOST_TEST(BackoffMs(2, 1000, 60000, 0.0) == 1000);
  BOOST_TEST(BackoffMs(4, 1000, 60000, 0.0) == 4000);
  BOOST_TEST(BackoffMs(40, 1000, 60000, 0.0) == 30000);  // capped, never overflowing
  BOOST_TEST(BackoffMs(40, 1000, 60000, 0.999) <= 60000);
}

namespace {

class CountingTokens : public AccessTokenSource {
 public:
  Result<std::string> Token() override { return std::string("t") + std::to_string(invalidated.load()); }
  void Invalidate() override { ++invalidated; }
  std::atomic<int> invalidated{0};
};

struct Fixture {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-delivery-" + std::to_string(::getpid()));
  std::unique_ptr<Outbox> outbox;
  CountingTokens tokens;
  Fixture() {
    fs::remove_all(dir);
    outbox = std::move(Outbox::Open(dir / "store.db")).value();
  }
  ~Fixture() {
    outbox.reset();
    fs::remove_all(dir);
  }
  // A record whose transaction creates a Procedure and a Communication, as a conversation does.
  void Add(const std::string& id) {
    BOOST_REQUIRE(outbox->Enqueue(NewOutboxRecord{id, "h", kSentBundle, "k", "patient", LocalOutcome{"accepted", "", "", 1}, 1, {}}).ok());
  }
  // Runs delivery with `send` until `done` holds for record `id` (at most 30 s, polled: the wait
  // follows the work, not a fixed sleep); returns its entry.
  OutboxEntry RunUntil(const std::string& id, HttpSend send, std::function<bool(const OutboxEntry&)> done,
                       DeliverySettings settings = DeliverySettings{"https://ehr.example/fhir", 1, 10, 20, 5}) {
    RecordDelivery delivery(*outbox, settings, std::move(send), tokens, NowMs);
    delivery.Start();
    for (int i = 0; i < 3000; ++i) {
      OutboxEntry entry = **outbox->Get(id);
      if (done(entry)) return entry;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    BOOST_FAIL("record " + id + " never reached the expected state");
    return {};
  }
  static int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  static constexpr const char* kSentBundle = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"request":{"method":"POST","url":"Procedure"}},{"request":{"method":"POST","url":"Communication"}}]})";
};

HttpSend Answers(std::vector<Result<HttpResponse>> answers, std::vector<HttpRequestSpec>* seen) {
  auto index = std::make_shared<std::atomic<size_t>>(0);
  return [answers, index, seen](const HttpRequestSpec& request) -> Result<HttpResponse> {
    if (seen) seen->push_back(request);
    size_t i = std::min(index->fetch_add(1), answers.size() - 1);
    return answers[i];
  };
}

HttpResponse Http(int status, std::string body) { return HttpResponse{status, std::move(body), "", "", ""}; }

}  // namespace

BOOST_FIXTURE_TEST_CASE(transient_failures_are_retried_until_delivered, Fixture) {
  Add("r1");
  std::vector<HttpRequestSpec> seen;
  OutboxEntry entry = RunUntil("r1", Answers({UnavailableError("unreachable"), Http(503, "busy"), Http(401, ""),
                                             Http(200, R"({"resourceType":"Bundle","type":"transaction-response","entry":[
                                               {"response":{"status":"201 Created","location":"Procedure/7"}},
                                               {"response":{"status":"200 OK","location":"Communication/8/_history/1"}}]})")},
                                            &seen),
                               [](const OutboxEntry& e) { return e.state == "delivered"; });
  BOOST_TEST(entry.attempts == 4);
  BOOST_TEST(entry.location == "Communication/8/_history/1");
  BOOST_TEST(tokens.invalidated == 1);  // the 401 renewed the token
  BOOST_REQUIRE(seen.size() == 4u);
  BOOST_TEST(seen[0].method == "POST");
  BOOST_TEST(seen[0].url == "https://ehr.example/fhir");
  BOOST_TEST(seen[0].headers["Authorization"] == "Bearer t0");
  BOOST_TEST(seen[3].headers["Authorization"] == "Bearer t1");
  BOOST_TEST(seen[0].headers["Content-Type"] == "application/fhir+json");
}

BOOST_FIXTURE_TEST_CASE(a_refusal_is_parked_with_the_servers_words, Fixture) {
  Add("r2");
  OutboxEntry entry = RunUntil("r2", Answers({Http(422, R"({"resourceType":"OperationOutcome","issue":[{"severity":"error",
                                                "code":"processing","diagnostics":"unknown patient","expression":["Communication.subject"]}]})")},
                                              nullptr),
                               [](const OutboxEntry& e) { return e.state == "parked"; });
  BOOST_TEST(entry.last_error == "HTTP 422: error processing: unknown patient (at Communication.subject)");
  BOOST_TEST(entry.attempts == 1);
}

BOOST_FIXTURE_TEST_CASE(a_failed_entry_inside_a_200_transaction_counts, Fixture) {
  Add("r3");
  OutboxEntry entry = RunUntil("r3", Answers({Http(200, R"({"resourceType":"Bundle","type":"transaction-response","entry":[
                                                {"response":{"status":"412","outcome":{"resourceType":"OperationOutcome","issue":[
                                                  {"severity":"error","code":"multiple-matches","details":{"text":"Multiple resources found"}}]}}}]})")},
                                              nullptr),
                               [](const OutboxEntry& e) { return e.state == "parked"; });
  BOOST_TEST(entry.last_error == "entry HTTP 412: error multiple-matches: Multiple resources found");
}

namespace {
const std::string kWritten = R"({"resourceType":"Bundle","type":"transaction-response","entry":[
  {"response":{"status":"201 Created","location":"Procedure/7"}},{"response":{"status":"201 Created","location":"Communication/8"}}]})";
}  // namespace

BOOST_FIXTURE_TEST_CASE(a_2xx_that_is_not_a_transaction_response_is_retried_not_delivered, Fixture) {
  Add("r4");
  OutboxEntry entry = RunUntil("r4", Answers({Http(200, "<html>Planlagt vedlikehold</html>"), Http(204, ""),
                                             Http(200, R"({"resourceType":"Bundle","type":"searchset","entry":[]})"),
                                             Http(200, kWritten)},
                                            nullptr),
                               [](const OutboxEntry& e) { return e.state != "pending"; });
  BOOST_TEST(entry.state == "delivered");
  BOOST_TEST(entry.attempts == 4);
  BOOST_TEST(entry.location == "Communication/8");
}

BOOST_FIXTURE_TEST_CASE(an_answer_that_never_makes_sense_is_parked_after_the_bound, Fixture) {
  Add("r5");
  DeliverySettings settings{"https://ehr.example/fhir", 1, 10, 20, 5, 3};
  OutboxEntry entry = RunUntil("r5", Answers({Http(200, "<html>maintenance</html>")}, nullptr),
                               [](const OutboxEntry& e) { return e.state != "pending"; }, settings);
  BOOST_TEST(entry.state == "parked");
  BOOST_TEST(entry.attempts == 3);
  BOOST_TEST(entry.last_error.find("HTTP 200: not JSON") == 0, entry.last_error);
  // An operator's retry sends it again.
  BOOST_TEST(*outbox->Retry({"r5"}) == 1);
  entry = RunUntil("r5", Answers({Http(200, kWritten)}, nullptr), [](const OutboxEntry& e) { return e.state == "delivered"; });
  BOOST_TEST(entry.location == "Communication/8");
}

BOOST_FIXTURE_TEST_CASE(a_store_that_cannot_record_outcomes_pauses_delivery, Fixture) {
  Add("r6");
  // Every change to the outbox now fails, as on a full disk; claiming (a read) still works.
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open((dir / "store.db").c_str(), &db) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(db, "CREATE TRIGGER full_disk BEFORE UPDATE ON outbox BEGIN SELECT RAISE(FAIL, 'disk full'); END",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
  auto sends = std::make_shared<std::atomic<int>>(0);
  HttpSend send = [sends](const HttpRequestSpec&) -> Result<HttpResponse> {
    ++*sends;
    return HttpResponse{200, kWritten, "", "", ""};
  };
  {
    RecordDelivery delivery(*outbox, DeliverySettings{"https://ehr.example/fhir", 2, 200, 400, 5}, send, tokens, NowMs);
    delivery.Start();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    delivery.Stop();
  }
  // Two workers backing off 100-400 ms send at most a dozen times in a second (a loop: thousands).
  BOOST_TEST(sends->load() >= 1);
  BOOST_TEST(sends->load() <= 14);
  BOOST_REQUIRE(sqlite3_exec(db, "DROP TRIGGER full_disk", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  OutboxEntry entry = RunUntil("r6", send, [](const OutboxEntry& e) { return e.state == "delivered"; });
  BOOST_TEST(entry.location == "Communication/8");
}

// Issue 11 item 7: at shutdown a delivery waiting on a hanging EHR ends at once, and its record is
// given back unchanged (pending, no attempt counted), to be delivered after a restart.
BOOST_FIXTURE_TEST_CASE(a_call_to_a_hanging_ehr_ends_at_stop_and_the_record_stays_pending, Fixture) {
  Add("r-hang");
  std::stop_source stop;
  std::atomic<int> calls{0};
  HttpSend hanging = [&](const HttpRequestSpec&) -> Result<HttpResponse> {
    ++calls;
    // A real sender ends its call when the token is requested; this one waits for that.
    while (!stop.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return UnavailableError("cancelled");
  };
  RecordDelivery delivery(*outbox, DeliverySettings{"https://ehr.example/fhir", 2, 10, 20, 5}, hanging, tokens, NowMs,
                          stop.get_token());
  delivery.Start();
  for (int i = 0; i < 3000 && calls.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  BOOST_REQUIRE(calls.load() == 1);
  const auto started = std::chrono::steady_clock::now();
  stop.request_stop();
  delivery.Stop();
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(2)));
  OutboxEntry entry = **outbox->Get("r-hang");
  BOOST_TEST(entry.state == "pending");
  BOOST_TEST(entry.attempts == 0);
  BOOST_TEST(delivery.stats().attempts == 0);
  BOOST_TEST(calls.load() == 1);  // no worker claimed it again after the stop
  auto again = outbox->ClaimDue(NowMs());  // given back: claimable at once
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->has_value());
}

BOOST_FIXTURE_TEST_CASE(a_delivery_carries_the_committing_requests_trace_and_is_measured, Fixture) {
  Add("r-traced");
  Add("r-untraced");
  std::vector<HttpRequestSpec> seen;
  std::mutex seen_mutex;
  HttpSend send = [&](const HttpRequestSpec& request) -> Result<HttpResponse> {
    std::lock_guard<std::mutex> lock(seen_mutex);
    seen.push_back(request);
    return Http(200, R"({"resourceType":"Bundle","type":"transaction-response","entry":[
                          {"response":{"status":"201 Created","location":"Procedure/7"}},
                          {"response":{"status":"201 Created","location":"Communication/8"}}]})");
  };
  RecordDelivery delivery(*outbox, DeliverySettings{"https://ehr.example/fhir", 1, 10, 20, 5}, send, tokens, NowMs);
  const TraceContext trace = TraceContext::FromHeaders("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "");
  delivery.NoteTrace("r-traced", trace);
  delivery.Start();
  for (int i = 0; i < 3000 && delivery.delivery_seconds().Read().count < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  delivery.Stop();
  BOOST_REQUIRE(seen.size() == 2u);
  for (const HttpRequestSpec& r : seen) BOOST_TEST(r.headers.at("traceparent").size() == 55u);
  int carrying = 0;  // the traced record's call; the other record's has a trace of its own
  for (const HttpRequestSpec& r : seen) carrying += r.headers.at("traceparent").substr(3, 32) == trace.trace_id;
  BOOST_TEST(carrying == 1);
  BOOST_TEST(delivery.delivery_seconds().Read().count == 2u);
  const Histogram::Snapshot attempts = delivery.delivery_attempts().Read();
  BOOST_TEST(attempts.cumulative[0] == 2u);  // one attempt each
}
