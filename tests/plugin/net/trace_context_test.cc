// Trace ids: a caller's W3C traceparent is taken when valid, else one is made; X-Request-Id echoed.
#include "plugin/net/trace_context.h"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace selvhjelp::plugin;

namespace {
constexpr const char* kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
bool IsTraceId(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(trace_context)

BOOST_AUTO_TEST_CASE(a_valid_traceparent_gives_its_trace_id) {
  TraceContext t = TraceContext::FromHeaders("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "");
  BOOST_TEST(t.trace_id == kTrace);
  BOOST_TEST(t.sampled);
  BOOST_TEST(t.request_id == kTrace);  // no X-Request-Id: the trace id serves
  const std::string sent = t.Traceparent();
  BOOST_TEST(sent.substr(0, 36) == std::string("00-") + kTrace + "-");
  BOOST_TEST(sent.size() == 55u);
  BOOST_TEST(sent.substr(36, 16) != "00f067aa0ba902b7");  // our own span
  BOOST_TEST(sent.substr(52) == "-01");
}

// One span per request: the answer's traceresponse and every call made for the request name the
// same parent id, so a caller's logs and the FHIR server's logs meet at our span.
BOOST_AUTO_TEST_CASE(one_span_id_per_request_in_every_traceparent_it_sends) {
  const TraceContext t = TraceContext::FromHeaders("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "");
  BOOST_TEST(t.span_id.size() == 16u);
  BOOST_TEST(t.span_id.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(t.span_id != "0000000000000000");
  BOOST_TEST(t.Traceparent() == t.Traceparent());
  BOOST_TEST(t.Traceparent().substr(36, 16) == t.span_id);
  BOOST_TEST(TraceContext::Fresh().span_id != TraceContext::Fresh().span_id);
}

BOOST_AUTO_TEST_CASE(a_later_version_may_carry_more_fields) {
  BOOST_TEST(TraceContext::FromHeaders("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-more", "").trace_id == kTrace);
}

BOOST_AUTO_TEST_CASE(an_invalid_traceparent_is_replaced_by_a_fresh_trace) {
  for (const char* bad : {"", "garbage", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
                          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",                 // zero trace
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",                 // zero parent
                          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",                 // version ff
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"}) {           // 00 with more
    TraceContext t = TraceContext::FromHeaders(bad, "");
    BOOST_TEST(IsTraceId(t.trace_id), bad);
    BOOST_TEST(t.trace_id != kTrace, bad);
    BOOST_TEST(!t.sampled, bad);
  }
}

BOOST_AUTO_TEST_CASE(fresh_traces_differ) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(TraceContext::Fresh().trace_id);
  BOOST_TEST(ids.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(a_request_id_is_kept_when_printable_and_short) {
  BOOST_TEST(TraceContext::FromHeaders("", "lb-7f3a-2291").request_id == "lb-7f3a-2291");
  TraceContext spaced = TraceContext::FromHeaders("", "has space");
  BOOST_TEST(spaced.request_id == spaced.trace_id);
  TraceContext long_one = TraceContext::FromHeaders("", std::string(129, 'a'));
  BOOST_TEST(long_one.request_id == long_one.trace_id);
}

BOOST_AUTO_TEST_SUITE_END()
