// Source URLs in log lines and on /directory/status: at most scheme://host/path.
#include "plugin/net/url_redaction.h"

#include <boost/test/unit_test.hpp>

using selvhjelp::plugin::RedactUrls;

BOOST_AUTO_TEST_SUITE(url_redaction)

BOOST_AUTO_TEST_CASE(a_query_userinfo_and_fragment_are_cut) {
  BOOST_TEST(RedactUrls("https://feeds.example/groups.json?api_key=s3cret: HTTP 503") ==
             "https://feeds.example/groups.json: HTTP 503");
  BOOST_TEST(RedactUrls("http://user:pa55@127.0.0.1:8080/hsds/services?page=2#top, unreachable") ==
             "http://127.0.0.1:8080/hsds/services, unreachable");
  BOOST_TEST(RedactUrls("https://a.example/x?k=1 then https://b.example/y?k=2") == "https://a.example/x then https://b.example/y");
  BOOST_TEST(RedactUrls("https://fhir.example/R4/HealthcareService:3: name: missing") ==
             "https://fhir.example/R4/HealthcareService:3: name: missing");  // no query: all kept
}

BOOST_AUTO_TEST_CASE(text_without_urls_is_unchanged) {
  BOOST_TEST(RedactUrls("") == "");
  BOOST_TEST(RedactUrls("groups.json:12: name: missing (key=value?)") == "groups.json:12: name: missing (key=value?)");
  BOOST_TEST(RedactUrls("answered 3 groups where it had 120") == "answered 3 groups where it had 120");
}

BOOST_AUTO_TEST_SUITE_END()
