// SMART Backend Services client: discovery, the assertion, caching and error mapping. The token
// endpoint is a fake HttpSend here; tests/integration/records.test.mjs checks the assertion with
// an independent implementation (PyJWT).
#include "plugin/auth/access_token_source.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>

#include "fhir/json/json_reader.h"
#include "plugin/auth/base64url.h"
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
  BOOST_TEST(*claims.FindInt("exp") == kNow + 300);
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
