#include "plugin/auth/jwt_verifier.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "fhir/json/json_file.h"
#include "fhir/json/json_reader.h"
#include "plugin/auth/base64url.h"
#include "plugin/auth/jws.h"
#include "fhir/json/json_writer.h"
#include <openssl/ec.h>
#include <openssl/evp.h>

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;
namespace fs = std::filesystem;

namespace {
const fs::path kDemo = fs::path(SELVHJELP_SOURCE_DIR) / "config/demo";
constexpr int64_t kNow = 1'800'000'000;
const std::string kAud = "https://cds.example.no/cds-services/selvhjelp-patient-view";

struct Fixture {
  std::shared_ptr<JwsKey> key = *LoadPrivateKeyPem(kDemo / "demo-ehr-key.pem", "demo-ehr-key");
  std::vector<IssuerKeys> issuers() {
    auto jwks = ParseJwks(*fhir::ReadJsonFile(kDemo / "demo-ehr-jwks.json"));
    IssuerKeys i{"https://demo-ehr.example", *jwks, {}};
    i.jku_keys["https://demo-ehr.example/jwks.json"] = *jwks;
    return {i};
  }
  JwtVerifier verifier{issuers(), {"ES384", "RS384"}, 60, [] { return kNow; }};

  JsonValue Claims() {
    JsonValue c = JsonValue::Object();
    c.Set("iss", "https://demo-ehr.example");
    c.Set("aud", kAud);
    c.Set("iat", JsonValue::Int(kNow));
    c.Set("exp", JsonValue::Int(kNow + 300));
    c.Set("jti", "jti-1");
    return c;
  }
  std::string Sign(const JsonValue& claims, const JsonValue& header = JsonValue::Object()) {
    return "Bearer " + *SignJws(header, claims, *key);
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(jwt_verifier, Fixture)

BOOST_AUTO_TEST_CASE(accepts_a_valid_es384_token_once) {
  auto token = Sign(Claims());
  auto ok = verifier.Verify(token, kAud);
  BOOST_REQUIRE_MESSAGE(ok.ok(), ok.status().message());
  BOOST_TEST(ok->iss == "https://demo-ehr.example");
  auto replay = verifier.Verify(token, kAud);
  BOOST_TEST(replay.status().message() == "jti replayed");
}

// A jti with a NUL character ("\u0000" in the token) is refused on every store: PostgreSQL's
// could not keep it, SQLite's would. The JSON reader refuses any string holding one.
BOOST_AUTO_TEST_CASE(a_jti_holding_a_nul_character_is_refused) {
  auto c = Claims();
  c.Set("jti", std::string("jti-1\0x", 7));
  BOOST_TEST(verifier.Verify(Sign(c), kAud).status().message() == "payload is not a JSON object");
  BOOST_TEST(verifier.Verify(Sign(Claims()), kAud).ok());  // "jti-1" itself is unused
}

// Issue 11 item 4.
BOOST_AUTO_TEST_CASE(the_bearer_scheme_is_case_insensitive) {
  std::string token = Sign(Claims()).substr(7);
  BOOST_TEST(verifier.Verify("bearer " + token, kAud).ok());
  auto c = Claims();
  c.Set("jti", "jti-2");
  BOOST_TEST(verifier.Verify("BEARER  " + Sign(c).substr(7), kAud).ok());
  BOOST_TEST(verifier.Verify("Bearer" + token, kAud).status().message() == "no bearer token");
  BOOST_TEST(verifier.Verify("Basic " + token, kAud).status().message() == "no bearer token");
}

BOOST_AUTO_TEST_CASE(crit_headers_are_refused) {
  JsonValue header = JsonValue::Object();
  header.Set("crit", JsonValue::Array()).Append(JsonValue::String("exp"));
  header.Set("exp", JsonValue::Int(kNow + 60));
  BOOST_TEST(verifier.Verify(Sign(Claims(), header), kAud).status().message() ==
             "crit names an extension we do not understand");
}

BOOST_AUTO_TEST_CASE(lifetime_is_capped_at_five_minutes_past_iat_by_default) {
  auto c = Claims();
  c.Set("exp", JsonValue::Int(kNow + 301));
  BOOST_TEST(verifier.Verify(Sign(c), kAud).status().message() == "lifetime (exp - iat) too long");
  c.Set("exp", JsonValue::Int(kNow + 300));
  BOOST_TEST(verifier.Verify(Sign(c), kAud).ok());
  JwtVerifier longer{issuers(), {"ES384"}, 60, [] { return kNow; }, MakeMemoryJtiStore(), 3600};
  c.Set("exp", JsonValue::Int(kNow + 3600));
  c.Set("jti", "jti-long");
  BOOST_TEST(longer.Verify(Sign(c), kAud).ok());
}

BOOST_AUTO_TEST_CASE(times_near_the_int64_limits_do_not_overflow) {
  // Under UBSan (the sanitizer build) exp + skew overflowed here before.
  for (const char* exp : {"9223372036854775807", "9223372036854775800"}) {
    auto c = Claims();
    c.Set("exp", JsonValue::RawNumber(exp));
    BOOST_TEST(verifier.Verify(Sign(c), kAud).status().message() == "lifetime (exp - iat) too long");
  }
  auto c = Claims();
  c.Set("exp", JsonValue::RawNumber("-9223372036854775808"));
  BOOST_TEST(verifier.Verify(Sign(c), kAud).status().message() == "expired");
  c = Claims();
  c.Set("iat", JsonValue::RawNumber("-9223372036854775808"));
  BOOST_TEST(verifier.Verify(Sign(c), kAud).status().message() == "lifetime (exp - iat) too long");
  c = Claims();
  c.Set("nbf", JsonValue::RawNumber("9223372036854775807"));
  BOOST_TEST(verifier.Verify(Sign(c), kAud).status().message() == "not yet valid");
}

BOOST_AUTO_TEST_CASE(aud_may_be_an_array) {
  JsonValue c = Claims();
  JsonValue aud = JsonValue::Array();
  aud.Append(JsonValue::String(kAud));
  c.Set("aud", aud);
  BOOST_TEST(verifier.Verify(Sign(c), kAud).ok());
}

BOOST_AUTO_TEST_CASE(rejects_wrong_key) {
  // A freshly made key with the same kid: the signature cannot verify.
  EVP_PKEY* other = EVP_EC_gen("P-384");
  auto other_key = JwsKey::Adopt(other, "demo-ehr-key", "EC");
  auto token = "Bearer " + *SignJws(JsonValue::Object(), Claims(), *other_key);
  BOOST_TEST(verifier.Verify(token, kAud).status().message() == "bad signature");
}

BOOST_AUTO_TEST_CASE(rejects_alg_none_and_hs256) {
  for (const char* alg : {"none", "HS256"}) {
    JsonValue h = JsonValue::Object();
    h.Set("alg", alg);
    h.Set("typ", "JWT");
    std::string token = "Bearer " + Base64UrlEncode(fhir::WriteJson(h)) + "." +
                        Base64UrlEncode(fhir::WriteJson(Claims())) + ".";
    BOOST_TEST(verifier.Verify(token, kAud).status().message() == "algorithm not allowed");
  }
}

BOOST_AUTO_TEST_CASE(rejects_expired_future_and_wrong_aud) {
  JsonValue expired = Claims();
  expired.Set("exp", JsonValue::Int(kNow - 61));
  BOOST_TEST(verifier.Verify(Sign(expired), kAud).status().message() == "expired");
  JsonValue future = Claims();
  future.Set("iat", JsonValue::Int(kNow + 3600));
  future.Set("jti", "jti-2");
  BOOST_TEST(verifier.Verify(Sign(future), kAud).status().message() == "iat missing or in the future");
  JsonValue c = Claims();
  c.Set("jti", "jti-3");
  BOOST_TEST(verifier.Verify(Sign(c), kAud + "/feedback").status().message() == "wrong aud");
}

BOOST_AUTO_TEST_CASE(jku_must_be_on_the_issuers_allow_list) {
  JsonValue header = JsonValue::Object();
  header.Set("jku", "https://attacker.example/jwks.json");
  BOOST_TEST(verifier.Verify(Sign(Claims(), header), kAud).status().message() == "jku not allowed for issuer");
  header.Set("jku", "https://demo-ehr.example/jwks.json");
  BOOST_TEST(verifier.Verify(Sign(Claims(), header), kAud).ok());
}

BOOST_AUTO_TEST_CASE(rejects_unknown_issuer_and_flipped_signature) {
  JsonValue c = Claims();
  c.Set("iss", "https://other.example");
  BOOST_TEST(verifier.Verify(Sign(c), kAud).status().message() == "issuer not trusted");
  std::string token = Sign(Claims());
  token.back() = token.back() == 'A' ? 'B' : 'A';
  BOOST_TEST(!verifier.Verify(token, kAud).ok());
  BOOST_TEST(verifier.Verify("Basic abc", kAud).status().message() == "no bearer token");
}

BOOST_AUTO_TEST_SUITE_END()

// The CDS Hooks 2.0 specification's own example ("Trusting CDS Clients"): its ES384 token, its
// JWK Set, its iss, aud and jku. exp is 1422568860, so the clock is set just before it.
BOOST_AUTO_TEST_CASE(verifies_the_cds_hooks_specification_example_token) {
  auto jwks = fhir::ParseJson(R"({"keys":[{"kty":"EC","use":"sig","crv":"P-384","kid":"example-kid",
    "x":"46SDH7Znh821wblCBglA61sNE9ZrHYKKt3qRtRTmSXyOI_FIGBLWrWa0GPUkDCEk",
    "y":"XMcRuuoGW7CXjQdy-F5i3FeBE0x9hPLdeFdSoDd3ELmx404tLX0VRRcqzAsPhXcI","alg":"ES384"}]})");
  auto keys = ParseJwks(*jwks);
  BOOST_REQUIRE(keys.ok());
  IssuerKeys issuer{"https://fhir-ehr.example.com/", {}, {}};
  issuer.jku_keys["https://fhir-ehr.example.com/jwk_uri"] = *keys;
  // The example's token was issued years before it expires: allow that lifetime here.
  constexpr int64_t kExampleLifetime = 1422568860 - 1311280970;
  JwtVerifier spec_verifier({issuer}, {"ES384", "RS384"}, 60, [] { return int64_t{1422568800}; },
                            MakeMemoryJtiStore(), kExampleLifetime);
  const std::string token =
      "Bearer eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCIsImtpZCI6ImV4YW1wbGUta2lkIiwiamt1IjoiaHR0cHM6Ly9maGlyLWVoci5leGFtcGxlLmNvbS9qd2tfdXJpIn0"
      ".eyJpc3MiOiJodHRwczovL2ZoaXItZWhyLmV4YW1wbGUuY29tLyIsInN1YiI6ImNsaWVudF9pZCIsImF1ZCI6Imh0dHBzOi8vY2RzLmV4YW1wbGUub3JnL2Nkcy1zZXJ2aWNlcy9zb21lLXNlcnZpY2UiLCJleHAiOjE0MjI1Njg4NjAsImlhdCI6MTMxMTI4MDk3MCwianRpIjoiZWUyMmIwMjEtZTFiNy00NjExLWJhNWItOGVlYzZhMzNhYzFlIiwidGVuYW50IjoiMmRkZDZjM2EtOGU5YS00NGM2LWEzMDUtNTIxMTFhZDMwMmEyIn0"
      ".CUFPkplnWd6YGIvzoHolWCQBDsCL8QtTWKGg_QFpS169WrqDGzktRi-_we6-6rVzbjerU27ZKww_SW0-b9RTz-dPJNcqsueMio8r6EqXUXhbLm_ch3XFSbDlGHDl_tqo";
  auto verified = spec_verifier.Verify(token, "https://cds.example.org/cds-services/some-service");
  BOOST_REQUIRE_MESSAGE(verified.ok(), verified.status().message());
  BOOST_TEST(verified->jti == "ee22b021-e1b7-4611-ba5b-8eec6a33ac1e");
  // The same token after its exp (plus skew) is refused.
  JwtVerifier later({issuer}, {"ES384"}, 60, [] { return int64_t{1422568860 + 61}; }, MakeMemoryJtiStore(),
                    kExampleLifetime);
  BOOST_TEST(later.Verify(token, "https://cds.example.org/cds-services/some-service").status().message() == "expired");
}
