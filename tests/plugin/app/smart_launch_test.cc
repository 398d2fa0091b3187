// SMART App Launch against a fake EHR (discovery, authorize, token, JWKS): the happy path and
// every refusal the clinician app relies on. The browser flow against a real authorization
// server is in the integration tests.
#include "plugin/app/smart_launch.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>

#include "fhir/json/json_reader.h"
#include "fhir/json/json_file.h"
#include "fhir/json/json_writer.h"
#include "plugin/auth/base64url.h"
#include "plugin/auth/jwk.h"
#include "plugin/auth/jws.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;
namespace fs = std::filesystem;

namespace {

const fs::path kDemo = fs::path(SELVHJELP_SOURCE_DIR) / "config/demo";
constexpr const char* kIss = "https://ehr.example/fhir";

// A query parameter of `url`, percent-decoded (enough for our own encoder's output).
std::string Param(const std::string& url, const std::string& name) {
  const size_t at = url.find("&" + name + "=") != std::string::npos ? url.find("&" + name + "=") : url.find("?" + name + "=");
  if (at == std::string::npos) return {};
  const size_t start = at + name.size() + 2, end = url.find('&', start);
  std::string raw = url.substr(start, end == std::string::npos ? std::string::npos : end - start), out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += raw[i] == '+' ? ' ' : raw[i];
    }
  }
  return out;
}

// The fake EHR: answers discovery, JWKS and the token endpoint; the id_token it issues can be
// tampered with per test.
struct FakeEhr {
  std::shared_ptr<JwsKey> key = *LoadPrivateKeyPem(kDemo / "demo-ehr-key.pem", "demo-ehr-key");
  std::string nonce;            // taken from the authorize URL
  std::string challenge;        // ditto
  std::map<std::string, std::string> token_form;  // what the token endpoint received
  std::function<void(JsonValue& claims)> edit_claims = [](JsonValue&) {};
  std::function<void(JsonValue& response)> edit_response = [](JsonValue&) {};
  std::function<void(JsonValue& claims)> edit_access = [](JsonValue&) {};
  // The user's Practitioner at the EHR (GET <iss>/Practitioner/prac-1), and what asked for it.
  std::string practitioner_body = "{}";
  int practitioner_reads = 0;
  std::string practitioner_authorization;
  int64_t now = 1'800'000'000;
  std::string smart_config = R"({"authorization_endpoint":"https://auth.example/authorize","token_endpoint":"https://auth.example/token",
    "issuer":"https://auth.example","jwks_uri":"https://auth.example/jwks","code_challenge_methods_supported":["S256"],
    "capabilities":["launch-ehr","sso-openid-connect","client-public"]})";

  std::string IdToken() {
    JsonValue claims = JsonValue::Object();
    claims.Set("iss", "https://auth.example");
    claims.Set("sub", "user-1");
    claims.Set("aud", "selvhjelp-app");
    claims.Set("exp", JsonValue::Int(now + 300));
    claims.Set("iat", JsonValue::Int(now));
    claims.Set("nonce", nonce);
    claims.Set("fhirUser", "Practitioner/prac-1");
    edit_claims(claims);
    return *SignJws(JsonValue::Object(), claims, *key);
  }

  HttpSend Send() {
    return [this](const HttpRequestSpec& r) -> Result<HttpResponse> {
      if (r.url == std::string(kIss) + "/.well-known/smart-configuration") return HttpResponse{200, smart_config, "", "", ""};
      if (r.url == "https://auth.example/jwks") {
        return HttpResponse{200, *fhir::ReadTextFile(kDemo / "demo-ehr-jwks.json"), "", "", ""};
      }
      if (r.url == "https://auth.example/token" && r.method == "POST") {
        token_form.clear();
        for (const std::string& pair : {std::string("grant_type"), std::string("code"), std::string("code_verifier"),
                                        std::string("redirect_uri"), std::string("client_id")}) {
          token_form[pair] = Param("?" + r.body, pair);
        }
        if (PkceChallenge(token_form["code_verifier"]) != challenge || token_form["code"] != "good-code") {
          return HttpResponse{400, R"({"error":"invalid_grant"})", "", "", ""};
        }
        JsonValue response = JsonValue::Object();
        // DIPS issues the access token as a JWT carrying the user's HPR number and unit.
        JsonValue access = JsonValue::Object();
        access.Set("hpr-nummer", "9144889");
        access.Set("dips-userroledepartment", "Avdeling for rusbehandling");
        edit_access(access);
        response.Set("access_token", *SignJws(JsonValue::Object(), access, *key));
        response.Set("token_type", "Bearer");
        response.Set("expires_in", JsonValue::Int(3600));
        response.Set("scope", "openid fhirUser launch patient/*.read");
        response.Set("patient", "pat-1");
        response.Set("encounter", "enc-1");
        response.Set("id_token", IdToken());
        edit_response(response);
        return HttpResponse{200, fhir::WriteJson(response), "", "", ""};
      }
      if (r.url == std::string(kIss) + "/Practitioner/prac-1" && r.method == "GET") {
        ++practitioner_reads;
        practitioner_authorization = r.headers.count("Authorization") ? r.headers.at("Authorization") : "";
        return HttpResponse{200, practitioner_body, "", "", ""};
      }
      return HttpResponse{404, "", "", "", ""};
    };
  }
};

struct Fixture {
  FakeEhr ehr;
  int random_calls = 0;
  SmartLaunch launch{SmartAppSettings{"selvhjelp-app", "https://selvhjelp.example/app/callback",
                                      "openid fhirUser launch patient/*.read", {kIss}},
                     ehr.Send(), [this] { return ehr.now; },
                     [this](size_t n) { return std::string(n, static_cast<char>('a' + random_calls++ % 26)); }};

  // Begins a launch and reads state, nonce and challenge off the authorize URL, as the EHR would.
  std::string Begin() {
    Result<std::string> url = launch.Begin(kIss, "launch-123");
    BOOST_REQUIRE(url.ok());
    ehr.nonce = Param(*url, "nonce");
    ehr.challenge = Param(*url, "code_challenge");
    return Param(*url, "state");
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(an_ehr_launch_gives_the_patient_the_user_and_the_norwegian_claims, Fixture) {
  Result<std::string> url = launch.Begin(std::string(kIss) + "/", "launch-123");
  BOOST_REQUIRE(url.ok());
  BOOST_TEST(url->rfind("https://auth.example/authorize?response_type=code&client_id=selvhjelp-app", 0) == 0, *url);
  BOOST_TEST(Param(*url, "launch") == "launch-123");
  BOOST_TEST(Param(*url, "aud") == kIss);
  BOOST_TEST(Param(*url, "code_challenge_method") == "S256");
  BOOST_TEST(Param(*url, "redirect_uri") == "https://selvhjelp.example/app/callback");
  BOOST_TEST(Param(*url, "scope") == "openid fhirUser launch patient/*.read");
  ehr.nonce = Param(*url, "nonce");
  ehr.challenge = Param(*url, "code_challenge");
  BOOST_TEST(launch.pending() == 1u);
  Result<LaunchContext> context = launch.Complete(Param(*url, "state"), "good-code");
  BOOST_REQUIRE_MESSAGE(context.ok(), context.status().message());
  BOOST_TEST(context->patient == "pat-1");
  BOOST_TEST(context->encounter == "enc-1");
  BOOST_TEST(context->fhir_user == "Practitioner/prac-1");
  BOOST_TEST(context->user_sub == "user-1");
  BOOST_TEST(context->hpr_number == "9144889");
  BOOST_TEST(context->unit == "Avdeling for rusbehandling");
  BOOST_TEST(context->expires_at == ehr.now + 3600);
  BOOST_TEST(ehr.token_form["grant_type"] == "authorization_code");
  BOOST_TEST(ehr.token_form["client_id"] == "selvhjelp-app");
  BOOST_TEST(launch.pending() == 0u);
}

BOOST_AUTO_TEST_CASE(pkce_challenge_is_base64url_of_sha256) {
  // Expected value computed independently: base64.urlsafe_b64encode(hashlib.sha256(v).digest()) in Python.
  BOOST_TEST(PkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gXFG2jXk") == "DnRup8JUGMHpBg5TUcL1q0Is-MHk8AXv0dFPiGubRKo");
}

BOOST_FIXTURE_TEST_CASE(a_launch_from_an_ehr_not_registered_is_refused_before_any_call, Fixture) {
  Result<std::string> url = launch.Begin("https://evil.example/fhir", "x");
  BOOST_TEST(static_cast<int>(url.status().code()) == static_cast<int>(StatusCode::kPermissionDenied));
  BOOST_TEST(launch.pending() == 0u);
}

BOOST_FIXTURE_TEST_CASE(an_ehr_without_pkce_s256_is_refused, Fixture) {
  ehr.smart_config = R"({"authorization_endpoint":"https://auth.example/authorize","token_endpoint":"https://auth.example/token",
    "issuer":"https://auth.example","jwks_uri":"https://auth.example/jwks","code_challenge_methods_supported":["plain"]})";
  BOOST_TEST(static_cast<int>(launch.Begin(kIss, "x").status().code()) == static_cast<int>(StatusCode::kFailedPrecondition));
}

BOOST_FIXTURE_TEST_CASE(a_wrong_or_replayed_state_is_refused, Fixture) {
  const std::string state = Begin();
  BOOST_TEST(!launch.Complete("not-the-state", "good-code").ok());
  BOOST_REQUIRE(launch.Complete(state, "good-code").ok());
  Result<LaunchContext> replay = launch.Complete(state, "good-code");
  BOOST_TEST(static_cast<int>(replay.status().code()) == static_cast<int>(StatusCode::kUnauthenticated));
  BOOST_TEST(replay.status().message() == "launch: unknown or already used state");
}

BOOST_FIXTURE_TEST_CASE(an_expired_state_is_refused, Fixture) {
  const std::string state = Begin();
  ehr.now += 601;
  BOOST_TEST(launch.Complete(state, "good-code").status().message() == "launch: state expired");
}

BOOST_FIXTURE_TEST_CASE(a_code_exchanged_without_the_right_verifier_is_refused, Fixture) {
  const std::string state = Begin();
  ehr.challenge = "something-else";  // the EHR remembers another challenge: our verifier does not match
  BOOST_TEST(launch.Complete(state, "good-code").status().message() == "token endpoint refused the code (HTTP 400)");
}

BOOST_FIXTURE_TEST_CASE(id_tokens_that_fail_a_check_are_refused, Fixture) {
  const std::vector<std::pair<std::string, std::function<void(JsonValue&)>>> cases = {
      {"id_token: aud is not this client", [](JsonValue& c) { c.Set("aud", "another-app"); }},
      {"id_token: nonce does not match", [](JsonValue& c) { c.Set("nonce", "replayed-nonce"); }},
      {"id_token: wrong iss", [](JsonValue& c) { c.Set("iss", "https://evil.example"); }},
      {"id_token: expired", [](JsonValue& c) { c.Set("exp", JsonValue::Int(1'700'000'000)); }},
      {"id_token: azp is not this client", [](JsonValue& c) { c.Set("azp", "another-app"); }},
  };
  for (const auto& [why, edit] : cases) {
    const std::string state = Begin();
    ehr.edit_claims = edit;
    BOOST_TEST(launch.Complete(state, "good-code").status().message() == why);
  }
}

BOOST_FIXTURE_TEST_CASE(an_id_token_signed_by_another_key_is_refused, Fixture) {
  const std::string state = Begin();
  ehr.edit_response = [](JsonValue& response) {
    std::string token(response.FindString("id_token").value_or(""));
    token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';  // a signature that does not verify
    response.Set("id_token", token);
  };
  BOOST_TEST(launch.Complete(state, "good-code").status().message() == "id_token: signature not valid for the issuer's keys");
}

BOOST_FIXTURE_TEST_CASE(a_token_answer_without_id_token_is_refused, Fixture) {
  const std::string state = Begin();
  ehr.edit_response = [](JsonValue& response) { response.Erase("id_token"); };
  BOOST_TEST(launch.Complete(state, "good-code").status().message() == "token endpoint: no id_token (scope openid)");
}

// A card's link: the token response's appContext string reaches the launch context as it is. The
// user's locale comes from the token response, else from the id_token's OpenID Connect claim.
BOOST_FIXTURE_TEST_CASE(app_context_and_locale_come_from_the_token_response_or_the_id_token, Fixture) {
  ehr.edit_claims = [](JsonValue& claims) { claims.Set("locale", "nn-NO"); };
  ehr.edit_response = [](JsonValue& response) { response.Set("appContext", R"({"card":"c"})"); };
  Result<LaunchContext> context = launch.Complete(Begin(), "good-code");
  BOOST_REQUIRE_MESSAGE(context.ok(), context.status().message());
  BOOST_TEST(context->app_context == R"({"card":"c"})");
  BOOST_TEST(context->locale == "nn-NO");
  ehr.edit_response = [](JsonValue& response) { response.Set("locale", "en"); };
  context = launch.Complete(Begin(), "good-code");
  BOOST_REQUIRE(context.ok());
  BOOST_TEST(context->locale == "en");
  BOOST_TEST(context->app_context.empty());
}

BOOST_FIXTURE_TEST_CASE(the_hpr_claim_may_come_in_the_id_token, Fixture) {
  ehr.edit_access = [](JsonValue& claims) { claims.Erase("hpr-nummer"); };
  ehr.edit_claims = [](JsonValue& claims) { claims.Set("hpr-nummer", "9144900"); };
  Result<LaunchContext> context = launch.Complete(Begin(), "good-code");
  BOOST_REQUIRE_MESSAGE(context.ok(), context.status().message());
  BOOST_TEST(context->hpr_number == "9144900");
  BOOST_TEST(ehr.practitioner_reads == 0);  // a claim is enough
}

BOOST_FIXTURE_TEST_CASE(without_an_hpr_claim_the_fhir_user_practitioner_gives_it, Fixture) {
  // No claim anywhere: the user's Practitioner (shaped as in DIPS's IG, tests/data/dips) has it.
  ehr.edit_access = [](JsonValue& claims) { claims.Erase("hpr-nummer"); };
  ehr.practitioner_body = *fhir::ReadTextFile(fs::path(SELVHJELP_SOURCE_DIR) / "tests/data/dips/Practitioner-hpr.json");
  Result<LaunchContext> context = launch.Complete(Begin(), "good-code");
  BOOST_REQUIRE_MESSAGE(context.ok(), context.status().message());
  BOOST_TEST(context->hpr_number == "9144900");
  BOOST_TEST(ehr.practitioner_reads == 1);
  BOOST_TEST(ehr.practitioner_authorization == "Bearer " + context->access_token);
}

BOOST_FIXTURE_TEST_CASE(a_practitioner_elsewhere_or_without_hpr_leaves_it_empty, Fixture) {
  ehr.edit_access = [](JsonValue& claims) { claims.Erase("hpr-nummer"); };
  // Not an HPR system, or not digits: no number, and the launch still succeeds.
  ehr.practitioner_body = R"({"resourceType":"Practitioner","identifier":[{"system":"urn:oid:1.3.6.1.4.1.9038.51.1","value":"9000001"},
    {"system":"urn:oid:2.16.578.1.12.4.1.4.4","value":"91449OO"}]})";
  Result<LaunchContext> context = launch.Complete(Begin(), "good-code");
  BOOST_REQUIRE(context.ok());
  BOOST_TEST(context->hpr_number.empty());
  BOOST_TEST(ehr.practitioner_reads == 1);
  // A fhirUser on another server never gets the EHR's token.
  ehr.edit_claims = [](JsonValue& claims) { claims.Set("fhirUser", "https://elsewhere.example/fhir/Practitioner/prac-1"); };
  context = launch.Complete(Begin(), "good-code");
  BOOST_REQUIRE(context.ok());
  BOOST_TEST(context->hpr_number.empty());
  BOOST_TEST(ehr.practitioner_reads == 1);
  // The same URL under the EHR's own base is read.
  ehr.edit_claims = [](JsonValue& claims) { claims.Set("fhirUser", std::string(kIss) + "/Practitioner/prac-1"); };
  ehr.practitioner_body = *fhir::ReadTextFile(fs::path(SELVHJELP_SOURCE_DIR) / "tests/data/dips/Practitioner-hpr.json");
  context = launch.Complete(Begin(), "good-code");
  BOOST_REQUIRE(context.ok());
  BOOST_TEST(context->hpr_number == "9144900");
  BOOST_TEST(ehr.practitioner_reads == 2);
}
