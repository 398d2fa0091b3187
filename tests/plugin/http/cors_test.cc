// CORS for browser CDS clients: allowed origins echoed, others get nothing, never '*'.
#include "plugin/http/cors.h"

#include <boost/test/unit_test.hpp>

using namespace selvhjelp::plugin;

namespace {
std::string HeaderValue(const std::vector<HttpHeader>& headers, const std::string& name) {
  for (const HttpHeader& h : headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

// Records the reply it is given.
class RecordingExchange : public HttpExchange {
 public:
  const HttpRequest& request() const override { return request_; }
  const std::string& id() const override { return id_; }
  const TraceContext& trace() const override { return trace_; }
  void ReadBody(std::function<void()> then) override { then(); }
  void Reply(HttpReply response) override { replies.push_back(std::move(response)); }
  std::vector<HttpReply> replies;

 private:
  HttpRequest request_;
  std::string id_ = "r1";
  TraceContext trace_ = TraceContext::Fresh();
};
}  // namespace

BOOST_AUTO_TEST_SUITE(cors)

BOOST_AUTO_TEST_CASE(covers_the_cds_routes_only) {
  BOOST_TEST(CorsPolicy::Covers("/cds-services"));
  BOOST_TEST(CorsPolicy::Covers("/cds-services/selvhjelp-patient-view/feedback"));
  BOOST_TEST(!CorsPolicy::Covers("/cds-services-x"));
  BOOST_TEST(!CorsPolicy::Covers("/records"));
}

BOOST_AUTO_TEST_CASE(allowed_origins_are_echoed_and_others_get_no_headers) {
  CorsPolicy policy({"https://sandbox.cds-hooks.org", "http://localhost:3000"});
  auto allowed = policy.ResponseHeaders("https://sandbox.cds-hooks.org");
  BOOST_TEST(HeaderValue(allowed, "Access-Control-Allow-Origin") == "https://sandbox.cds-hooks.org");
  BOOST_TEST(HeaderValue(allowed, "Vary") == "Origin");
  BOOST_TEST(policy.ResponseHeaders("https://evil.example").empty());
  BOOST_TEST(policy.ResponseHeaders("").empty());
  BOOST_TEST(policy.ResponseHeaders("http://localhost:3001").empty());
  BOOST_TEST(CorsPolicy({}).ResponseHeaders("https://sandbox.cds-hooks.org").empty());
}

BOOST_AUTO_TEST_CASE(a_preflight_names_methods_and_headers) {
  CorsPolicy policy({"http://localhost:3000"});
  auto headers = policy.PreflightHeaders("http://localhost:3000");
  BOOST_TEST(HeaderValue(headers, "Access-Control-Allow-Origin") == "http://localhost:3000");
  BOOST_TEST(HeaderValue(headers, "Access-Control-Allow-Methods") == "GET, POST");
  BOOST_TEST(HeaderValue(headers, "Access-Control-Allow-Headers") == "Authorization, Content-Type");
  BOOST_TEST(policy.PreflightHeaders("https://evil.example").empty());
}

BOOST_AUTO_TEST_CASE(every_reply_of_a_wrapped_exchange_carries_the_headers) {
  auto inner = std::make_shared<RecordingExchange>();
  auto wrapped = WithReplyHeaders(inner, {{"Vary", "Origin"}});
  HttpReply reply;
  reply.headers.push_back({"Location", "http://x/records/1"});
  wrapped->Reply(reply);
  BOOST_REQUIRE(inner->replies.size() == 1u);
  BOOST_TEST(HeaderValue(inner->replies[0].headers, "Location") == "http://x/records/1");
  BOOST_TEST(HeaderValue(inner->replies[0].headers, "Vary") == "Origin");
  BOOST_TEST(WithReplyHeaders(inner, {}) == inner);  // nothing to add: the exchange itself
}

BOOST_AUTO_TEST_SUITE_END()
