// The outbound sender: gateway headers, the DPoP scheme and proof for bound tokens, and the
// DPoP-Nonce retry at a resource server (RFC 9449 §9).
#include "plugin/auth/authorized_send.h"

#include <boost/test/unit_test.hpp>

#include "plugin/auth/base64url.h"
#include "plugin/auth/compact_jws.h"
#include "plugin/auth/sha256.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;

namespace {
constexpr int64_t kNow = 1'800'000'000;

class BoundTokens : public AccessTokenSource {
 public:
  explicit BoundTokens(std::shared_ptr<DpopProver> prover) : prover_(std::move(prover)) {}
  Result<std::string> Token() override { return std::string("tok"); }
  std::shared_ptr<DpopProver> DpopProofs() const override { return prover_; }

 private:
  std::shared_ptr<DpopProver> prover_;
};

struct Fixture {
  std::shared_ptr<DpopProver> prover = *DpopProver::Create("P-256", [] { return kNow; });
  BoundTokens bound{prover};
  std::vector<HttpRequestSpec> seen;
  std::vector<HttpResponse> answers;  // given in order; then 200
  HttpSend Inner() {
    return [this](const HttpRequestSpec& r) -> Result<HttpResponse> {
      seen.push_back(r);
      if (seen.size() <= answers.size()) return answers[seen.size() - 1];
      return HttpResponse{200, "{}", "", "", ""};
    };
  }
  static HttpRequestSpec Get(const std::string& url) {
    return HttpRequestSpec{"GET", url, {{"Authorization", "Bearer tok"}}, ""};
  }
  static HttpResponse NonceDemand(const std::string& nonce) {
    HttpResponse r{401, "", "", "", ""};
    r.www_authenticate = R"(DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof")";
    r.dpop_nonce = nonce;
    return r;
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(authorized_send, Fixture)

BOOST_AUTO_TEST_CASE(gateway_headers_go_to_their_server_only) {
  HttpSend send = MakeAuthorizedSend(Inner(), {{"https://gw.example/fhir", nullptr, {{"Ocp-Apim-Subscription-Key", "k-1"}}}});
  BOOST_TEST(send(Get("https://gw.example/fhir/Patient?x=1"))->status == 200);
  BOOST_TEST(send(Get("https://gw.example/fhirother/Patient"))->status == 200);
  BOOST_TEST(send(Get("https://other.example/fhir"))->status == 200);
  BOOST_REQUIRE(seen.size() == 3u);
  BOOST_TEST(seen[0].headers.at("Ocp-Apim-Subscription-Key") == "k-1");
  BOOST_TEST(seen[0].headers.at("Authorization") == "Bearer tok");  // no DPoP without a bound token
  BOOST_TEST(seen[1].headers.count("Ocp-Apim-Subscription-Key") == 0u);
  BOOST_TEST(seen[2].headers.count("Ocp-Apim-Subscription-Key") == 0u);
}

BOOST_AUTO_TEST_CASE(a_bound_token_goes_as_dpop_with_a_proof_of_this_request) {
  HttpSend send = MakeAuthorizedSend(Inner(), {{"https://api.example/fhir", &bound, {}}});
  HttpRequestSpec post{"POST", "https://api.example/fhir?_format=json", {{"Authorization", "Bearer tok"}}, "{}"};
  BOOST_TEST(send(post)->status == 200);
  BOOST_REQUIRE(seen.size() == 1u);
  BOOST_TEST(seen[0].headers.at("Authorization") == "DPoP tok");
  CompactJws proof = *DecodeCompactJws(seen[0].headers.at("DPoP"));
  BOOST_TEST((proof.claims.FindString("htm") == "POST"));
  BOOST_TEST((proof.claims.FindString("htu") == "https://api.example/fhir"));
  BOOST_TEST((proof.claims.FindString("ath") == Base64UrlEncode(Sha256("tok"))));
}

BOOST_AUTO_TEST_CASE(a_nonce_demand_is_met_once_and_the_nonce_kept) {
  answers = {NonceDemand("n-1")};
  HttpSend send = MakeAuthorizedSend(Inner(), {{"https://api.example/fhir", &bound, {}}});
  BOOST_TEST(send(Get("https://api.example/fhir/Patient"))->status == 200);
  BOOST_REQUIRE(seen.size() == 2u);
  BOOST_TEST(DecodeCompactJws(seen[0].headers.at("DPoP"))->claims.Find("nonce") == nullptr);
  BOOST_TEST((DecodeCompactJws(seen[1].headers.at("DPoP"))->claims.FindString("nonce") == "n-1"));
  // The next request carries the nonce from the start.
  BOOST_TEST(send(Get("https://api.example/fhir/Group"))->status == 200);
  BOOST_TEST((DecodeCompactJws(seen[2].headers.at("DPoP"))->claims.FindString("nonce") == "n-1"));
}

BOOST_AUTO_TEST_CASE(a_server_that_keeps_demanding_is_answered_with_its_401) {
  answers = {NonceDemand("n-1"), NonceDemand("n-2"), NonceDemand("n-3")};
  HttpSend send = MakeAuthorizedSend(Inner(), {{"https://api.example/fhir", &bound, {}}});
  BOOST_TEST(send(Get("https://api.example/fhir/Patient"))->status == 401);
  BOOST_TEST(seen.size() == 2u);  // one retry, not a loop
  answers.clear();
  seen.clear();
  answers = {NonceDemand("n-2")};  // the nonce it already has: no retry
  BOOST_TEST(send(Get("https://api.example/fhir/Patient"))->status == 401);
  BOOST_TEST(seen.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
