#include "plugin/http/request_target.h"

#include <boost/test/unit_test.hpp>

#include "plugin/http/http_message.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;

BOOST_AUTO_TEST_SUITE(request_target)

BOOST_AUTO_TEST_CASE(splits_path_and_query) {
  RequestTarget t = SplitTarget("/directory/groups?municipality=4601&theme=alcohol");
  BOOST_TEST(t.path == "/directory/groups");
  BOOST_TEST(t.query == "municipality=4601&theme=alcohol");
  BOOST_TEST(SplitTarget("/health").query.empty());
  BOOST_TEST(SplitTarget("/a?b#frag").query == "b");
  BOOST_TEST(SplitTarget("?x=1").path == "/");
  RequestTarget absolute = SplitTarget("http://127.0.0.1:8080/records/abc?x=1");
  BOOST_TEST(absolute.path == "/records/abc");
  BOOST_TEST(absolute.query == "x=1");
  BOOST_TEST(SplitTarget("https://host").path == "/");
}

BOOST_AUTO_TEST_CASE(percent_decoding) {
  BOOST_TEST(*PercentDecode("a%20b%2Fc%c3%b8") == "a b/c\xc3\xb8");
  BOOST_TEST(*PercentDecode("a+b") == "a+b");  // '+' is not a space outside forms
  BOOST_TEST(*PercentDecode("") == "");
  for (const char* bad : {"%", "%2", "%zz", "a%g1", "%2%41", "x%"}) {
    BOOST_TEST(!PercentDecode(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(query_parameters) {
  auto q = DecodeQuery("municipality=4601&theme=alko%68ol&&flag&theme=drugs&empty=");
  BOOST_REQUIRE(q.ok());
  BOOST_TEST(q->at("municipality") == "4601");
  BOOST_TEST(q->at("theme") == "drugs");  // the last of a repeated name
  BOOST_TEST(q->at("flag") == "");
  BOOST_TEST(q->at("empty") == "");
  BOOST_TEST(q->size() == 4u);
  BOOST_TEST(DecodeQuery("")->empty());
}

BOOST_AUTO_TEST_CASE(malformed_query_names_the_parameter) {
  auto bad_value = DecodeQuery("municipality=4601&x=%zz");
  BOOST_REQUIRE(!bad_value.ok());
  BOOST_TEST((bad_value.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(bad_value.status().message() == "x: malformed percent-encoding in the query");
  auto bad_name = DecodeQuery("a%zb=1");
  BOOST_REQUIRE(!bad_name.ok());
  BOOST_TEST(bad_name.status().message() == "a%zb: malformed percent-encoding in the query");
  auto long_name = DecodeQuery(std::string(500, 'n') + "=%");
  BOOST_REQUIRE(!long_name.ok());
  BOOST_TEST(long_name.status().message() == std::string(64, 'n') + ": malformed percent-encoding in the query");
}

BOOST_AUTO_TEST_CASE(headers_are_found_whatever_their_case) {
  HttpRequest r;
  r.headers = {{"Content-Type", "application/json"}, {"authorization", "Bearer x"}, {"Authorization", "second"}};
  BOOST_TEST(r.Header("AUTHORIZATION") == "Bearer x");
  BOOST_TEST(r.Header("content-type") == "application/json");
  BOOST_TEST(r.Header("Accept-Language").empty());
}

BOOST_AUTO_TEST_SUITE_END()
