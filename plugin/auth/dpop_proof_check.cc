#include "plugin/auth/dpop_proof_check.h"

#include <algorithm>

#include "fhir/base/status_macros.h"
#include "plugin/auth/base64url.h"
#include "plugin/auth/compact_jws.h"
#include "plugin/auth/dpop_prover.h"
#include "plugin/auth/jwk.h"
#include "plugin/auth/jws.h"
#include "plugin/auth/sha256.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

Result<std::string> CheckDpopProof(std::string_view proof, const DpopRequest& request,
                                   const std::vector<std::string>& algorithms, int64_t now, int64_t leeway,
                                   JtiStore& used) {
  auto refuse = [](const std::string& why) { return UnauthenticatedError("DPoP proof: " + why); };
  Result<CompactJws> jws = DecodeCompactJws(proof);
  if (!jws.ok()) return refuse(jws.status().message());
  if (jws->header.FindString("typ") != "dpop+jwt") return refuse("typ is not dpop+jwt");
  const std::string alg(jws->header.FindString("alg").value_or(""));
  if (std::find(algorithms.begin(), algorithms.end(), alg) == algorithms.end()) return refuse("algorithm not allowed");
  const JsonValue* jwk = jws->header.Find("jwk");
  if (jwk == nullptr || !jwk->is_object()) return refuse("no jwk header");
  if (jwk->Find("d") != nullptr) return refuse("the jwk header holds a private key");
  Result<std::shared_ptr<JwsKey>> key = ParseJwk(*jwk);
  if (!key.ok()) return refuse("jwk: " + key.status().message());
  if (!VerifyJwsSignature(alg, jws->signing_input, jws->signature, **key)) return refuse("bad signature");
  const JsonValue& claims = jws->claims;
  if (claims.FindString("htm") != request.method) return refuse("htm does not match the request");
  if (HtuOf(claims.FindString("htu").value_or("")) != HtuOf(request.url)) return refuse("htu does not match the request");
  const std::optional<int64_t> iat = claims.FindInt("iat");
  if (!iat || *iat > now + leeway || *iat < now - kDpopProofMaxAgeSeconds - leeway) return refuse("iat outside the window");
  const std::string jti(claims.FindString("jti").value_or(""));
  if (jti.empty()) return refuse("jti missing");
  if (claims.FindString("ath") != Base64UrlEncode(Sha256(request.access_token))) return refuse("ath does not match the token");
  const std::string thumbprint = JwkThumbprint(*jwk);
  if (thumbprint.empty()) return refuse("jwk incomplete");
  SELVHJELP_ASSIGN_OR_RETURN(bool first_use,
                             used.Claim(kDpopJtiPrefix + thumbprint, jti, *iat + kDpopProofMaxAgeSeconds + leeway, now));
  if (!first_use) return refuse("jti replayed");
  return thumbprint;
}

}  // namespace selvhjelp::plugin
