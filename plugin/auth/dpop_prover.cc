#include "plugin/auth/dpop_prover.h"

#include <cctype>

#include "fhir/base/status_macros.h"
#include "plugin/auth/base64url.h"
#include "plugin/auth/jws.h"
#include "plugin/auth/sha256.h"
#include "plugin/cds/card_builder.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

std::string UrlOrigin(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const size_t end = url.find_first_of("/?#", scheme + 3);
  std::string origin(url.substr(0, end));
  for (char& c : origin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return origin;
}

std::string_view HtuOf(std::string_view url) { return url.substr(0, url.find_first_of("?#")); }

DpopProver::DpopProver(std::shared_ptr<JwsKey> key, JsonValue jwk, Clock clock)
    : key_(std::move(key)), jwk_(std::move(jwk)), thumbprint_(JwkThumbprint(jwk_)), clock_(std::move(clock)) {}

Result<std::shared_ptr<DpopProver>> DpopProver::Create(std::string_view crv, Clock clock) {
  SELVHJELP_ASSIGN_OR_RETURN(std::shared_ptr<JwsKey> key, GenerateEcKey(crv));
  return WithKey(std::move(key), std::move(clock));
}

Result<std::shared_ptr<DpopProver>> DpopProver::WithKey(std::shared_ptr<JwsKey> key, Clock clock) {
  if (key == nullptr || key->kty() != "EC" || key->crv().empty()) {
    return InvalidArgumentError("a DPoP proof key must be EC P-256 or P-384");
  }
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue jwk, PublicJwk(*key));
  return std::shared_ptr<DpopProver>(new DpopProver(std::move(key), std::move(jwk), std::move(clock)));
}

Result<std::string> DpopProver::Proof(std::string_view method, std::string_view url,
                                      std::string_view access_token) const {
  JsonValue header = JsonValue::Object();
  header.Set("typ", "dpop+jwt");
  header.Set("jwk", jwk_);
  JsonValue claims = JsonValue::Object();
  claims.Set("jti", NewUuid());
  claims.Set("htm", std::string(method));
  claims.Set("htu", std::string(HtuOf(url)));
  claims.Set("iat", JsonValue::Int(clock_()));
  if (!access_token.empty()) claims.Set("ath", Base64UrlEncode(Sha256(access_token)));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = nonces_.find(UrlOrigin(url));
    if (it != nonces_.end()) claims.Set("nonce", it->second);
  }
  // The proof key has no kid: the jwk header is how the server knows it.
  return SignJws(header, claims, *key_);
}

bool DpopProver::RememberNonce(std::string_view url, std::string_view nonce) {
  if (nonce.empty()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  std::string& remembered = nonces_[UrlOrigin(url)];
  if (remembered == nonce) return false;
  remembered = std::string(nonce);
  return true;
}

}  // namespace selvhjelp::plugin
