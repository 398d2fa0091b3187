// Inbound OAuth access tokens (HelseID's "validering av access token", RFC 9068, RFC 9449 §7):
// every check, the scopes, and DPoP-bound tokens. tests/integration/helseid_auth.test.mjs sends
// tokens minted by oidc-provider and signed by jose to the real binary.
#include "plugin/auth/access_token_verifier.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <unistd.h>

#include "plugin/auth/dpop_proof_check.h"
#include "plugin/auth/dpop_prover.h"
#include "plugin/auth/jws.h"
#include "plugin/store/jti_table.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;

namespace {
constexpr int64_t kNow = 1'800'000'000;
const std::string kIssuer = "https://helseid-sts.test.example";
const std::string kUrl = "https://selvhjelp.example/records";

struct Fixture {
  int64_t now = kNow;
  std::shared_ptr<JwsKey> key = *GenerateEcKey("P-256");
  std::shared_ptr<JwsKey> public_key = *ParseJwk(*PublicJwk(*key));
  AccessTokenVerifier verifier{AccessTokenRules{kIssuer, "selvhjelp-api", {"ES256", "RS256"}, 30, ""},
                               {public_key}, [this] { return now; }};
  std::shared_ptr<DpopProver> prover = *DpopProver::Create("P-256", [this] { return now; });

  JsonValue Claims() {
    JsonValue c = JsonValue::Object();
    c.Set("iss", kIssuer);
    c.Set("aud", JsonValue::Array()).Append(JsonValue::String("selvhjelp-api"));
    c.Set("sub", "system-1");
    c.Set("client_id", "client-1");
    c.Set("iat", JsonValue::Int(kNow));
    c.Set("exp", JsonValue::Int(kNow + 300));
    c.Set("jti", "at-1");
    c.Set("scope", "selvhjelp/records.write selvhjelp/audit.read");
    return c;
  }
  std::string Sign(const JsonValue& claims, std::string typ = "at+jwt") {
    JsonValue header = JsonValue::Object();
    header.Set("typ", typ);
    return *SignJws(header, claims, *key);
  }
  AccessCheck Verify(const std::string& authorization, const std::string& dpop = "", const std::string& method = "POST") {
    return verifier.Verify(authorization, dpop, method, kUrl);
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(access_token_verifier, Fixture)

BOOST_AUTO_TEST_CASE(a_valid_token_gives_its_caller_and_scopes) {
  AccessCheck check = Verify("Bearer " + Sign(Claims()));
  BOOST_REQUIRE_MESSAGE(check.status.ok(), check.status.message());
  BOOST_TEST(check.grant.sub == "system-1");
  BOOST_TEST(check.grant.client_id == "client-1");
  BOOST_TEST(check.grant.HasScope("selvhjelp/records.write"));
  BOOST_TEST(!check.grant.HasScope("selvhjelp/records"));
  BOOST_TEST(!check.grant.dpop_bound);
  // typ JWT and application/at+jwt too; scopes as an array (HelseID's form).
  JsonValue claims = Claims();
  JsonValue& scopes = claims.Set("scope", JsonValue::Array());
  scopes.Append(JsonValue::String("selvhjelp/records.read"));
  check = Verify("bearer " + Sign(claims, "JWT"));
  BOOST_TEST(check.status.ok());
  BOOST_TEST(check.grant.HasScope("selvhjelp/records.read"));
  BOOST_TEST(Verify("Bearer " + Sign(Claims(), "application/at+jwt")).status.ok());
}

BOOST_AUTO_TEST_CASE(every_check_refuses_with_invalid_token) {
  auto refused = [&](const JsonValue& claims, const std::string& typ = "at+jwt") {
    AccessCheck check = Verify("Bearer " + Sign(claims, typ));
    BOOST_TEST(check.error == "invalid_token");
    return check.status.message();
  };
  JsonValue c = Claims();
  c.Set("aud", "another-api");
  BOOST_TEST(refused(c) == "wrong aud");
  c = Claims();
  c.Set("iss", kIssuer + "/");
  BOOST_TEST(refused(c) == "issuer not trusted");
  c = Claims();
  c.Set("exp", JsonValue::Int(kNow - 31));
  BOOST_TEST(refused(c) == "expired");
  c.Set("exp", JsonValue::Int(kNow - 29));  // within the leeway
  BOOST_TEST(Verify("Bearer " + Sign(c)).status.ok());
  c = Claims();
  c.Set("nbf", JsonValue::Int(kNow + 31));
  BOOST_TEST(refused(c) == "not yet valid");
  BOOST_TEST(refused(Claims(), "dpop+jwt") == "typ is not at+jwt or JWT");
  c = Claims();
  c.Set("exp", "soon");
  BOOST_TEST(refused(c) == "expired");
  const std::string token = Sign(Claims());
  BOOST_TEST(Verify("Bearer " + token.substr(0, token.size() - 4) + "AAAA").status.message() == "bad signature");
  AccessCheck none = Verify("");
  BOOST_TEST(none.error == "invalid_request");
  BOOST_TEST((none.status.code() == StatusCode::kUnauthenticated));
}

BOOST_AUTO_TEST_CASE(a_token_signed_by_another_key_or_algorithm_is_refused) {
  auto other = *GenerateEcKey("P-256");
  JsonValue header = JsonValue::Object();
  header.Set("typ", "at+jwt");
  BOOST_TEST(Verify("Bearer " + *SignJws(header, Claims(), *other)).status.message() == "bad signature");
  auto p384 = *GenerateEcKey("P-384");
  BOOST_TEST(Verify("Bearer " + *SignJws(header, Claims(), *p384)).status.message() == "algorithm not allowed");
}

BOOST_AUTO_TEST_CASE(recognises_its_issuer_and_the_dpop_scheme) {
  BOOST_TEST(verifier.Recognises("Bearer " + Sign(Claims())));
  BOOST_TEST(verifier.Recognises("DPoP anything"));
  JsonValue c = Claims();
  c.Set("iss", "https://demo-ehr.example");
  BOOST_TEST(!verifier.Recognises("Bearer " + Sign(c)));
  BOOST_TEST(!verifier.Recognises("Basic abc"));
}

BOOST_AUTO_TEST_CASE(a_dpop_bound_token_needs_the_dpop_scheme_and_a_proof_of_its_key) {
  JsonValue c = Claims();
  c.Set("cnf", JsonValue::Object()).Set("jkt", prover->thumbprint());
  const std::string token = Sign(c);
  AccessCheck ok = Verify("DPoP " + token, *prover->Proof("POST", kUrl, token));
  BOOST_REQUIRE_MESSAGE(ok.status.ok(), ok.status.message());
  BOOST_TEST(ok.grant.dpop_bound);
  BOOST_TEST(ok.scheme == "DPoP");

  AccessCheck as_bearer = Verify("Bearer " + token, *prover->Proof("POST", kUrl, token));
  BOOST_TEST(as_bearer.status.message() == "a DPoP-bound token sent as Bearer");
  AccessCheck no_proof = Verify("DPoP " + token);
  BOOST_TEST(no_proof.error == "invalid_dpop_proof");
  AccessCheck wrong_method = Verify("DPoP " + token, *prover->Proof("GET", kUrl, token));
  BOOST_TEST(wrong_method.error == "invalid_dpop_proof");
  auto thief = *DpopProver::Create("P-256", [this] { return now; });
  AccessCheck stolen = Verify("DPoP " + token, *thief->Proof("POST", kUrl, token));
  BOOST_TEST(stolen.status.message() == "DPoP proof: key is not the token's cnf.jkt");
  // An unbound token is not sent with the DPoP scheme.
  const std::string plain = Sign(Claims());
  BOOST_TEST(Verify("DPoP " + plain, *prover->Proof("POST", kUrl, plain)).status.message() ==
             "DPoP scheme with a token not bound to a key");
}

BOOST_AUTO_TEST_CASE(keys_from_the_jwks_uri_count_once_fetched) {
  AccessTokenVerifier fetched{AccessTokenRules{kIssuer, "selvhjelp-api", {"ES256"}, 30, "https://sts.example/jwks"},
                              {}, [this] { return now; }};
  BOOST_TEST(fetched.AllowedJku().size() == 1u);
  const std::string token = "Bearer " + Sign(Claims());
  BOOST_TEST(fetched.Verify(token, "", "POST", kUrl).status.message() == "no single key matches kid and alg");
  fetched.SetJkuKeys(kIssuer, "https://elsewhere.example/jwks", {public_key});  // not allowed: ignored
  BOOST_TEST(!fetched.Verify(token, "", "POST", kUrl).status.ok());
  fetched.SetJkuKeys(kIssuer, "https://sts.example/jwks", {public_key});
  BOOST_TEST(fetched.Verify(token, "", "POST", kUrl).status.ok());
}

BOOST_AUTO_TEST_CASE(a_dpop_proof_used_once_is_refused_by_another_verifier_over_the_same_store) {
  // A restart, or a second instance: each verifier opens the store file on its own.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("selvhjelp-dpop-jti-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto Over = [&](const std::filesystem::path& file) {
    auto table = JtiTable::Open(file);
    BOOST_REQUIRE(table.ok());
    return AccessTokenVerifier{AccessTokenRules{kIssuer, "selvhjelp-api", {"ES256"}, 30, ""}, {public_key},
                               [this] { return now; }, std::shared_ptr<JtiStore>(std::move(table).value())};
  };
  JsonValue c = Claims();
  c.Set("cnf", JsonValue::Object()).Set("jkt", prover->thumbprint());
  const std::string token = Sign(c);
  const std::string authorization = "DPoP " + token;
  const std::string proof = *prover->Proof("POST", kUrl, token);
  {
    AccessTokenVerifier first = Over(dir / "store.db");
    AccessCheck used = first.Verify(authorization, proof, "POST", kUrl);
    BOOST_REQUIRE_MESSAGE(used.status.ok(), used.status.message());
  }
  AccessTokenVerifier second = Over(dir / "store.db");
  AccessCheck replayed = second.Verify(authorization, proof, "POST", kUrl);
  BOOST_TEST(replayed.error == "invalid_dpop_proof");
  BOOST_TEST(replayed.status.message() == "DPoP proof: jti replayed");
  // A new proof of the same key is still accepted; the replay stays refused until the proof expires.
  BOOST_TEST(second.Verify(authorization, *prover->Proof("POST", kUrl, token), "POST", kUrl).status.ok());
  now += kDpopProofMaxAgeSeconds;
  BOOST_TEST(second.Verify(authorization, proof, "POST", kUrl).status.message() == "DPoP proof: jti replayed");
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
