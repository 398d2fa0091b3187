#include <boost/test/unit_test.hpp>

#include "plugin/http/public_base.h"

using selvhjelp::config::IpRange;
using selvhjelp::config::ServiceConfig;
using selvhjelp::plugin::HttpRequest;
using selvhjelp::plugin::RequestBaseUrl;

namespace {

ServiceConfig BehindProxy() {
  ServiceConfig c;
  c.port = 8080;
  c.trusted_proxies.push_back(*IpRange::Parse("10.0.0.0/8"));
  return c;
}

HttpRequest From(std::string peer, std::vector<selvhjelp::plugin::HttpHeader> headers) {
  HttpRequest r;
  r.peer_address = std::move(peer);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_trusted_proxy_names_the_public_scheme_and_host) {
  const ServiceConfig c = BehindProxy();
  const HttpRequest r = From("10.1.2.3", {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "selvhjelp.helse.example"}});
  BOOST_TEST(RequestBaseUrl(c, r) == "https://selvhjelp.helse.example");
}

BOOST_AUTO_TEST_CASE(the_last_element_of_a_list_is_the_trusted_proxys_own) {
  const ServiceConfig c = BehindProxy();
  const HttpRequest r = From("10.1.2.3", {{"x-forwarded-proto", "http, https"},
                                          {"x-forwarded-host", "evil.example, selvhjelp.helse.example:8443"}});
  BOOST_TEST(RequestBaseUrl(c, r) == "https://selvhjelp.helse.example:8443");
}

BOOST_AUTO_TEST_CASE(a_proxy_that_appends_its_own_field_line_wins_over_the_clients) {
  const ServiceConfig c = BehindProxy();
  const HttpRequest r = From("10.1.2.3", {{"X-Forwarded-Host", "evil.example"}, {"X-Forwarded-Proto", "http"},
                                          {"X-Forwarded-Host", "selvhjelp.helse.example"},
                                          {"x-forwarded-proto", "https"}});
  BOOST_TEST(RequestBaseUrl(c, r) == "https://selvhjelp.helse.example");
}

BOOST_AUTO_TEST_CASE(any_other_peer_is_not_believed) {
  const ServiceConfig c = BehindProxy();
  const HttpRequest r = From("192.0.2.9", {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "evil.example"}});
  BOOST_TEST(RequestBaseUrl(c, r) == "http://127.0.0.1:8080");
  ServiceConfig none;  // no trusted proxies at all
  none.port = 8080;
  BOOST_TEST(RequestBaseUrl(none, From("10.1.2.3", {{"X-Forwarded-Host", "evil.example"}})) == "http://127.0.0.1:8080");
}

BOOST_AUTO_TEST_CASE(a_configured_public_base_url_always_wins) {
  ServiceConfig c = BehindProxy();
  c.public_base_url = "https://selvhjelp.sykehus.example/";
  const HttpRequest r = From("10.1.2.3", {{"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", "other.example"}});
  BOOST_TEST(RequestBaseUrl(c, r) == "https://selvhjelp.sykehus.example");
}

BOOST_AUTO_TEST_CASE(malformed_forwarded_values_fall_back) {
  const ServiceConfig c = BehindProxy();
  // A host that would smuggle in a path or user is ignored; so is a scheme other than http(s).
  BOOST_TEST(RequestBaseUrl(c, From("10.1.2.3", {{"X-Forwarded-Host", "evil.example/x?"}})) == "http://127.0.0.1:8080");
  BOOST_TEST(RequestBaseUrl(c, From("10.1.2.3", {{"X-Forwarded-Host", "u@evil.example"}})) == "http://127.0.0.1:8080");
  BOOST_TEST(RequestBaseUrl(c, From("10.1.2.3", {{"X-Forwarded-Proto", "gopher"}, {"X-Forwarded-Host", "a.example"}})) ==
             "http://a.example");
  BOOST_TEST(RequestBaseUrl(c, From("10.1.2.3", {{"X-Forwarded-Proto", "https"}})) == "http://127.0.0.1:8080");
}
