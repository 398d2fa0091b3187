// SMART Backend Services client: discovery, the assertion, caching and error mapping. The token
// endpoint is a fake HttpSend here; tests/integration/records.test.mjs checks the assertion with
// an independent implementation (PyJWT).
#include "plugin/auth/access_token_source.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>

#include "fhir/json/json_reader.h"
#include "plugin/auth/base64url.h"
#include "plugin/auth/compact_jws.h"
#include "plugin/auth/jws.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;

namespace {
const std::filesystem::path kDemo = std::filesystem::path(SELVHJELP_SOURCE_DIR) / "config/demo";
constexpr int64_t kNow = 1'800'000'000;

std::map<std::string, std::string> Form(const std::string& body) {
  std::map<std::string, std::string> form;
  size_t at = 0;
  while (at < body.size()) {
    size_t amp = body.find('&', at);
    std::string pair = body.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    size_t eq = pair.find('=');
    std::string value;
    const std::string raw = pair.substr(eq + 1);
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '%') {
        value.push_back(static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        value.push_back(raw[i]);
      }
    }
    form[pair.substr(0, eq)] = value;
    if (amp == std::string::npos) break;
    at = amp + 1;
  }
  return form;
}

struct Endpoint {
  std::string smart_configuration = R"({"token_endpoint": "https://auth.example/token",
      "token_endpoint_auth_methods_supported": ["private_key_jwt"],
      "token_endpoint_auth_signing_alg_values_supported": ["ES384"]})";
  int token_status = 200;
  int token_posts = 0;
  int discoveries = 0;
  std::map<std::string, std::string> last_form;
  HttpSend Send() {
    return [this](const HttpRequestSpec& r) -> Result<HttpResponse> {
      if (r.method == "GET" && r.url == "https://ehr.example/fhir/.well-known/smart-configuration") {
        ++discoveries;
        return HttpResponse{200, smart_configuration, "", "", ""};
      }
      if (r.method == "POST" && r.url == "https://auth.example/token") {
        ++token_posts;
        last_form = Form(r.body);
        if (token_status != 200) return HttpResponse{token_status, R"({"error": "invalid_client"})", "", "", ""};
        return HttpResponse{200, R"({"access_token": "tok-)" + std::to_string(token_posts) +
                                     R"(", "token_type": "bearer", "expires_in": 300})", "", "", ""};
      }
      return HttpResponse{404, "", "", "", ""};
    };
  }
};

struct Fixture {
  Endpoint endpoint;
  int64_t now = kNow;
  std::shared_ptr<JwsKey> key = *LoadPrivateKeyPem(kDemo / "demo-ehr-key.pem", "client-key-1");
  std::unique_ptr<AccessTokenSource> source = MakeBackendServicesTokenSource(
      BackendServicesSettings{"https://ehr.example/fhir", "", "client-1", key, "system/Communication.c"},
      endpoint.Send(), [this] { return now; });
};
}  // namespace

BOOST_AUTO_TEST_CASE(form_encoding_keeps_only_unreserved_characters) {
  BOOST_TEST(FormEncode("system/Communication.c a&b=c~_-") == "system%2FCommunication.c%20a%26b%3Dc~_-");
}

BOOST_FIXTURE_TEST_CASE(discovers_signs_caches_and_renews, Fixture) {
  auto token = source->Token();
  BOOST_REQUIRE(token.ok());
  BOOST_TEST(*token == "tok-1");
  const auto& form = endpoint.last_form;
  BOOST_TEST(form.at("grant_type") == "client_credentials");
  BOOST_TEST(form.at("scope") == "system/Communication.c");
  BOOST_TEST(form.at("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  const std::string& jwt = form.at("client_assertion");
  size_t dot1 = jwt.find('.'), dot2 = jwt.rfind('.');
  JsonValue header = *fhir::ParseJson(*Base64UrlDecode(jwt.substr(0, dot1)));
  JsonValue claims = *fhir::ParseJson(*Base64UrlDecode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  BOOST_TEST((header.FindString("alg") == "ES384"));
  BOOST_TEST((header.FindString("kid") == "client-key-1"));
  BOOST_TEST((claims.FindString("iss") == "client-1"));
  BOOST_TEST((claims.FindString("sub") == "client-1"));
  BOOST_TEST((claims.FindString("aud") == "https://auth.example/token"));
  BOOST_TEST(*claims.FindInt("exp") == kNow + kAssertionLifetimeSeconds);
  BOOST_TEST(*claims.FindInt("exp") - *claims.FindInt("iat") <= 60);  // HelseID's maximum
  BOOST_TEST(claims.FindString("jti").has_value());
  BOOST_TEST(VerifyJwsSignature("ES384", jwt.substr(0, dot2), *Base64UrlDecode(jwt.substr(dot2 + 1)), *key));

  now += 200;
  BOOST_TEST(*source->Token() == "tok-1");  // cached
  now += 50;                                // within a minute of expiry: renewed
  BOOST_TEST(*source->Token() == "tok-2");
  source->Invalidate();
  BOOST_TEST(*source->Token() == "tok-3");
  BOOST_TEST(endpoint.discoveries == 1);
  BOOST_TEST(source->token_requests() == 3);
}

BOOST_FIXTURE_TEST_CASE(refusals_and_outages_are_told_apart, Fixture) {
  endpoint.token_status = 400;
  auto refused = source->Token();
  BOOST_TEST((refused.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(refused.status().message() == "token endpoint refused the client (HTTP 400, invalid_client)");
  endpoint.token_status = 503;
  BOOST_TEST((source->Token().status().code() == StatusCode::kUnavailable));
}

BOOST_FIXTURE_TEST_CASE(a_server_that_does_not_take_our_algorithm_is_named, Fixture) {
  endpoint.smart_configuration = R"({"token_endpoint": "https://auth.example/token",
      "token_endpoint_auth_signing_alg_values_supported": ["RS384"]})";
  auto token = source->Token();
  BOOST_TEST(token.status().message() == "SMART configuration: the server does not accept ES384 assertions");
  BOOST_TEST(endpoint.token_posts == 0);
}

// HelseID's profile: the assertion's audience and extra token parameters from config, a new jti
// for every assertion.
BOOST_AUTO_TEST_CASE(assertion_audience_and_token_parameters_are_configurable) {
  Endpoint endpoint;
  auto key = *LoadPrivateKeyPem(kDemo / "demo-ehr-key.pem", "client-key-1");
  BackendServicesSettings settings{"", "https://auth.example/token", "client-1", key, "nhn:selvhjelp/api"};
  settings.assertion_audience = "https://helseid-sts.test.nhn.no";
  settings.token_parameters = {{"resource", "nhn:selvhjelp"}};
  auto source = MakeBackendServicesTokenSource(settings, endpoint.Send(), [] { return kNow; });
  BOOST_REQUIRE(source->Token().ok());
  auto claims_of = [](const std::string& jwt) {
    return *fhir::ParseJson(*Base64UrlDecode(jwt.substr(jwt.find('.') + 1, jwt.rfind('.') - jwt.find('.') - 1)));
  };
  JsonValue first = claims_of(endpoint.last_form.at("client_assertion"));
  BOOST_TEST((first.FindString("aud") == "https://helseid-sts.test.nhn.no"));
  BOOST_TEST(endpoint.last_form.at("resource") == "nhn:selvhjelp");
  BOOST_TEST(endpoint.last_form.count("DPoP") == 0u);
  source->Invalidate();
  BOOST_REQUIRE(source->Token().ok());
  BOOST_TEST((claims_of(endpoint.last_form.at("client_assertion")).FindString("jti") != first.FindString("jti")));
  BOOST_TEST(source->DpopProofs() == nullptr);  // a bearer token
}

namespace {

// A token endpoint that wants DPoP: it demands a nonce first, then answers a DPoP token.
struct DpopEndpoint {
  std::vector<HttpRequestSpec> posts;
  bool demand_nonce = true;
  std::string first_error = "use_dpop_nonce";
  HttpSend Send() {
    return [this](const HttpRequestSpec& r) -> Result<HttpResponse> {
      posts.push_back(r);
      auto proof = r.headers.find("DPoP");
      const bool with_nonce = proof != r.headers.end() &&
                              DecodeCompactJws(proof->second)->claims.FindString("nonce") == "server-nonce";
      if (proof == r.headers.end() || (demand_nonce && !with_nonce)) {
        HttpResponse refusal{400, R"({"error": ")" + first_error + R"("})", "", "", ""};
        refusal.dpop_nonce = "server-nonce";
        return refusal;
      }
      return HttpResponse{200, R"({"access_token": "dpop-tok", "token_type": "DPoP", "expires_in": 120})", "", "", ""};
    };
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(dpop_token_requests_carry_a_proof_and_meet_a_nonce_demand_once) {
  DpopEndpoint endpoint;
  auto key = *LoadPrivateKeyPem(kDemo / "demo-ehr-key.pem", "client-key-1");
  auto prover = *DpopProver::Create("P-256", [] { return kNow; });
  BackendServicesSettings settings{"", "https://auth.example/token", "client-1", key, "s"};
  settings.prover = prover;
  settings.dpop = true;
  auto source = MakeBackendServicesTokenSource(settings, endpoint.Send(), [] { return kNow; });
  auto token = source->Token();
  BOOST_REQUIRE_MESSAGE(token.ok(), token.status().message());
  BOOST_TEST(*token == "dpop-tok");
  BOOST_REQUIRE(endpoint.posts.size() == 2u);
  CompactJws proof = *DecodeCompactJws(endpoint.posts[1].headers.at("DPoP"));
  BOOST_TEST((proof.claims.FindString("htm") == "POST"));
  BOOST_TEST((proof.claims.FindString("htu") == "https://auth.example/token"));
  BOOST_TEST(proof.claims.Find("ath") == nullptr);  // no token yet
  // A new assertion for the second request: the first one's jti may be spent.
  BOOST_TEST(endpoint.posts[0].body != endpoint.posts[1].body);
  BOOST_TEST(source->DpopProofs() == prover);
}

BOOST_AUTO_TEST_CASE(a_token_endpoint_that_demands_dpop_gets_it_without_config) {
  DpopEndpoint endpoint;
  endpoint.demand_nonce = false;
  endpoint.first_error = "invalid_dpop_proof";
  auto key = *LoadPrivateKeyPem(kDemo / "demo-ehr-key.pem", "client-key-1");
  BackendServicesSettings settings{"", "https://auth.example/token", "client-1", key, "s"};
  settings.prover = *DpopProver::Create("P-256", [] { return kNow; });
  auto source = MakeBackendServicesTokenSource(settings, endpoint.Send(), [] { return kNow; });
  BOOST_TEST(*source->Token() == "dpop-tok");
  BOOST_TEST(endpoint.posts.size() == 2u);
  BOOST_TEST(endpoint.posts[0].headers.count("DPoP") == 0u);
  BOOST_TEST(source->DpopProofs() != nullptr);
  // A nonce demand that never ends is refused after one retry.
  settings.dpop = true;
  DpopEndpoint stubborn;
  auto again = MakeBackendServicesTokenSource(settings, [&stubborn](const HttpRequestSpec& r) -> Result<HttpResponse> {
    stubborn.posts.push_back(r);
    HttpResponse refusal{400, R"({"error": "use_dpop_nonce"})", "", "", ""};
    refusal.dpop_nonce = "nonce-" + std::to_string(stubborn.posts.size());
    return refusal;
  }, [] { return kNow; });
  auto refused = again->Token();
  BOOST_TEST(refused.status().message() == "token endpoint refused the client (HTTP 400, use_dpop_nonce)");
  BOOST_TEST(stubborn.posts.size() == 2u);
}
