#include "plugin/http/router.h"

#include <boost/test/unit_test.hpp>

using namespace selvhjelp::plugin;

namespace {

Router MakeRouter(std::string& called) {
  Router router;
  auto named = [&called](std::string name) {
    return [&called, name](const std::shared_ptr<HttpExchange>&, const std::vector<std::string>& captured) {
      called = name;
      for (const std::string& c : captured) called += " " + c;
    };
  };
  router.Add("GET", "/health", named("health"));
  router.Add("POST", "/records", named("post-record"));
  router.Add("GET", "/records/{id}", named("get-record"));
  router.Add("POST", "/cds-services/{id}", named("hook"));
  router.Add("POST", "/cds-services/{id}/feedback", named("feedback"));
  router.Add("GET", "/cds-services", named("discovery"));
  return router;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(finds_routes_and_captures_segments) {
  std::string called;
  Router router = MakeRouter(called);
  for (auto [method, path, expected] : {std::tuple{"GET", "/health", "health"},
                                        {"GET", "/records/abc-1", "get-record abc-1"},
                                        {"POST", "/cds-services/pv", "hook pv"},
                                        {"POST", "/cds-services/pv/feedback", "feedback pv"},
                                        {"GET", "/cds-services", "discovery"}}) {
    Router::Match m = router.Find(method, path);
    BOOST_REQUIRE_MESSAGE(m.handler != nullptr, path);
    (*m.handler)(nullptr, m.captured);
    BOOST_TEST(called == expected);
  }
}

BOOST_AUTO_TEST_CASE(other_methods_are_told_what_the_path_takes) {
  std::string called;
  Router router = MakeRouter(called);
  Router::Match trace = router.Find("TRACE", "/health");
  BOOST_TEST(trace.handler == nullptr);
  BOOST_TEST(trace.allow == "GET");
  BOOST_TEST(router.Find("DELETE", "/records").allow == "POST");
  BOOST_TEST(router.Find("GET", "/cds-services/pv").allow == "POST");
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_not_found) {
  std::string called;
  Router router = MakeRouter(called);
  for (const char* path : {"/", "/nope", "/records/", "/records/a/b", "/health/x", "/cds-services/pv/other"}) {
    Router::Match m = router.Find("GET", path);
    BOOST_TEST(m.handler == nullptr, path);
    BOOST_TEST(m.allow.empty(), path);
  }
}

BOOST_AUTO_TEST_SUITE_END()
