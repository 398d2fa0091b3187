// What each answer of the EHR means for a record, and the backoff between attempts. The network
// is a fake HttpSend here; tests/integration/records.test.mjs runs the same against a real server.
#include "plugin/records/record_delivery.h"

#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <atomic>
#include <filesystem>
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
  void Add(const std::string& id) {
    BOOST_REQUIRE(outbox->Enqueue(NewOutboxRecord{id, "h", "{}", "k", "patient", LocalOutcome{"accepted", "", "", 1}, 1}).ok());
  }
  // Runs delivery with `send` until `done` holds for record `id` (at most 5 s); returns its entry.
  OutboxEntry RunUntil(const std::string& id, HttpSend send, std::function<bool(const OutboxEntry&)> done) {
    RecordDelivery delivery(*outbox, DeliverySettings{"https://ehr.example/fhir", 1, 10, 20, 5}, std::move(send), tokens,
                            [] { return std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch()).count(); });
    delivery.Start();
    for (int i = 0; i < 500; ++i) {
      OutboxEntry entry = **outbox->Get(id);
      if (done(entry)) return entry;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    BOOST_FAIL("record " + id + " never reached the expected state");
    return {};
  }
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
