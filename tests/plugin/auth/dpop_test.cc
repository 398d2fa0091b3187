// DPoP (RFC 9449) both ways: the proofs we make (DpopProver) and the check of proofs sent to us
// (CheckDpopProof); JWK thumbprints (RFC 7638). tests/integration/helseid_auth.test.mjs has the
// proofs checked by independent implementations (oidc-provider, jose).
#include "plugin/auth/dpop_prover.h"

#include <boost/test/unit_test.hpp>

#include "fhir/json/json_reader.h"
#include "plugin/auth/base64url.h"
#include "plugin/auth/compact_jws.h"
#include "plugin/auth/dpop_proof_check.h"
#include "plugin/auth/sha256.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;

namespace {
constexpr int64_t kNow = 1'800'000'000;
const std::vector<std::string> kAlgs = {"ES256", "ES384"};

struct Fixture {
  int64_t now = kNow;
  std::shared_ptr<DpopProver> prover = *DpopProver::Create("P-256", [this] { return now; });
  std::unique_ptr<JtiStore> used = MakeMemoryJtiStore();
  Result<std::string> Check(const std::string& proof, std::string_view method = "GET",
                            std::string_view url = "https://api.example/fhir/Patient", std::string_view token = "tok") {
    return CheckDpopProof(proof, {method, url, token}, kAlgs, now, 5, *used);
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(dpop, Fixture)

BOOST_AUTO_TEST_CASE(a_proof_names_method_url_time_and_token_and_its_key) {
  const std::string proof = *prover->Proof("POST", "https://api.example/fhir/Patient?_id=1#x", "tok");
  CompactJws jws = *DecodeCompactJws(proof);
  BOOST_TEST((jws.header.FindString("typ") == "dpop+jwt"));
  BOOST_TEST((jws.header.FindString("alg") == "ES256"));
  BOOST_TEST(jws.header.Find("kid") == nullptr);
  const JsonValue* jwk = jws.header.Find("jwk");
  BOOST_REQUIRE(jwk != nullptr);
  BOOST_TEST(jwk->Find("d") == nullptr);  // public only
  BOOST_TEST(JwkThumbprint(*jwk) == prover->thumbprint());
  BOOST_TEST((jws.claims.FindString("htm") == "POST"));
  BOOST_TEST((jws.claims.FindString("htu") == "https://api.example/fhir/Patient"));
  BOOST_TEST(*jws.claims.FindInt("iat") == kNow);
  BOOST_TEST((jws.claims.FindString("ath") == Base64UrlEncode(Sha256("tok"))));
  BOOST_TEST(jws.claims.Find("nonce") == nullptr);
  const std::string other = *prover->Proof("POST", "https://api.example/fhir/Patient", "tok");
  BOOST_TEST((DecodeCompactJws(other)->claims.FindString("jti") != jws.claims.FindString("jti")));
}

BOOST_AUTO_TEST_CASE(the_latest_nonce_of_each_server_goes_into_its_proofs) {
  BOOST_TEST(prover->RememberNonce("https://API.example:443/fhir/x", "n-1"));
  BOOST_TEST(!prover->RememberNonce("https://api.example:443/other", "n-1"));  // the same server, the same nonce
  BOOST_TEST(!prover->RememberNonce("https://api.example:443/", ""));
  auto claims = [&](const std::string& url) { return DecodeCompactJws(*prover->Proof("GET", url))->claims; };
  BOOST_TEST((claims("https://api.example:443/fhir/Patient").FindString("nonce") == "n-1"));
  BOOST_TEST(claims("https://auth.example/token").Find("nonce") == nullptr);
  BOOST_TEST(prover->RememberNonce("https://api.example:443/", "n-2"));
  BOOST_TEST((claims("https://api.example:443/fhir/Patient").FindString("nonce") == "n-2"));
}

BOOST_AUTO_TEST_CASE(our_proofs_pass_our_check_once) {
  const std::string proof = *prover->Proof("GET", "https://api.example/fhir/Patient", "tok");
  auto checked = Check(proof);
  BOOST_REQUIRE_MESSAGE(checked.ok(), checked.status().message());
  BOOST_TEST(*checked == prover->thumbprint());
  BOOST_TEST(Check(proof).status().message() == "DPoP proof: jti replayed");
}

BOOST_AUTO_TEST_CASE(a_proof_for_another_request_token_or_time_is_refused) {
  auto message = [&](const std::string& proof, std::string_view method, std::string_view url, std::string_view token) {
    return Check(proof, method, url, token).status().message();
  };
  const std::string url = "https://api.example/fhir/Patient";
  BOOST_TEST(message(*prover->Proof("GET", url, "tok"), "POST", url, "tok") == "DPoP proof: htm does not match the request");
  BOOST_TEST(message(*prover->Proof("GET", url, "tok"), "GET", "https://api.example/fhir/Group", "tok") ==
             "DPoP proof: htu does not match the request");
  BOOST_TEST(message(*prover->Proof("GET", url, "tok"), "GET", url, "other") == "DPoP proof: ath does not match the token");
  BOOST_TEST(message(*prover->Proof("GET", url), "GET", url, "tok") == "DPoP proof: ath does not match the token");
  const std::string old = *prover->Proof("GET", url, "tok");
  now += kDpopProofMaxAgeSeconds + 10;
  BOOST_TEST(message(old, "GET", url, "tok") == "DPoP proof: iat outside the window");
  // The query is not part of htu, on either side.
  auto with_query = Check(*prover->Proof("GET", url + "?a=1", "tok"), "GET", url + "?b=2", "tok");
  BOOST_TEST(with_query.ok());
}

BOOST_AUTO_TEST_CASE(a_proof_with_a_changed_claim_or_no_jwk_is_refused) {
  const std::string proof = *prover->Proof("GET", "https://api.example/fhir/Patient", "tok");
  CompactJws jws = *DecodeCompactJws(proof);
  JsonValue claims = jws.claims;
  claims.Set("htm", "GET");
  claims.Set("iat", JsonValue::Int(kNow + 1));
  const std::string header_part = proof.substr(0, proof.find('.'));
  const std::string forged = header_part + "." + Base64UrlEncode(R"({"htm":"GET","htu":"https://api.example/fhir/Patient","iat":1800000001,"jti":"x","ath":")" +
                                                                 Base64UrlEncode(Sha256("tok")) + "\"}") +
                             proof.substr(proof.rfind('.'));
  BOOST_TEST(Check(forged).status().message() == "DPoP proof: bad signature");
  const std::string no_jwk = Base64UrlEncode(R"({"typ":"dpop+jwt","alg":"ES256"})") + proof.substr(proof.find('.'));
  BOOST_TEST(Check(no_jwk).status().message() == "DPoP proof: no jwk header");
  const std::string wrong_typ = Base64UrlEncode(R"({"typ":"JWT","alg":"ES256"})") + proof.substr(proof.find('.'));
  BOOST_TEST(Check(wrong_typ).status().message() == "DPoP proof: typ is not dpop+jwt");
}

BOOST_AUTO_TEST_CASE(a_p384_prover_signs_es384) {
  auto p384 = *DpopProver::Create("P-384", [this] { return now; });
  const std::string proof = *p384->Proof("GET", "https://api.example/fhir/Patient", "tok");
  BOOST_TEST((DecodeCompactJws(proof)->header.FindString("alg") == "ES384"));
  BOOST_TEST(Check(proof).ok());
  BOOST_TEST(!DpopProver::Create("P-521", [] { return kNow; }).ok());
}

BOOST_AUTO_TEST_CASE(thumbprints_follow_rfc7638) {
  // RFC 7638 §3.1's example key and thumbprint.
  auto jwk = *fhir::ParseJson(R"({"kty":"RSA","e":"AQAB","alg":"RS256","kid":"2011-04-29","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"})");
  BOOST_TEST(JwkThumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  BOOST_TEST(JwkThumbprint(*fhir::ParseJson(R"({"kty":"EC","crv":"P-256"})")).empty());
}

BOOST_AUTO_TEST_SUITE_END()
