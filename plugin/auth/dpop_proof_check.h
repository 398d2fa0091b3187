#pragma once
// Checks a DPoP proof (RFC 9449 §4.3) that came with a request to this service.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/auth/jti_store.h"

namespace selvhjelp::plugin {

struct DpopRequest {
  std::string_view method;        // the request's method
  std::string_view url;           // the URL it was sent to (our public base URL + path)
  std::string_view access_token;  // the token it came with (for ath)
};

// A proof is accepted this long after its iat (plus the leeway); its jti is kept as long.
constexpr int64_t kDpopProofMaxAgeSeconds = 60;

// Proofs' jtis are recorded under this prefix and the key's thumbprint, apart from the CDS Hooks
// tokens' (recorded under their issuer) when both share the service's store.
inline constexpr char kDpopJtiPrefix[] = "dpop:";

// Returns the JWK thumbprint of the proof's key when `proof` is one JWS with typ dpop+jwt, an
// allowed asymmetric alg, a public jwk header that verifies its signature, htm and htu matching
// `request` (htu without query and fragment), iat within kDpopProofMaxAgeSeconds ± `leeway`, a
// jti not seen before (recorded in `used` under kDpopJtiPrefix and the key's thumbprint, until
// iat + kDpopProofMaxAgeSeconds + `leeway`), and ath the hash of the access token.
// Unauthenticated naming the first failed check otherwise; Unavailable when the jti cannot be
// recorded.
[[nodiscard]] Result<std::string> CheckDpopProof(std::string_view proof, const DpopRequest& request,
                                                 const std::vector<std::string>& algorithms, int64_t now,
                                                 int64_t leeway, JtiStore& used);

}  // namespace selvhjelp::plugin
