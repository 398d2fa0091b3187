#pragma once
// DpopProver: makes DPoP proofs (RFC 9449) with one key pair, the proof key of this process, and
// remembers the latest DPoP-Nonce each server gave. Thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "plugin/auth/jwk.h"

namespace selvhjelp::plugin {

class DpopProver {
 public:
  using Clock = std::function<int64_t()>;  // seconds since the epoch

  // A prover with a new key on `crv` ("P-256": ES256, "P-384": ES384). InvalidArgument for any
  // other curve.
  [[nodiscard]] static Result<std::shared_ptr<DpopProver>> Create(std::string_view crv, Clock clock);
  // A prover with a given private EC key (a configured, persistent proof key).
  [[nodiscard]] static Result<std::shared_ptr<DpopProver>> WithKey(std::shared_ptr<JwsKey> key, Clock clock);

  // A proof for `method` `url`: header typ dpop+jwt, alg, jwk (the public key); claims jti (new
  // each time), htm, htu (the URL without query and fragment), iat, `ath` (base64url SHA-256 of
  // `access_token`) when one is given, and the nonce last remembered for the URL's server.
  [[nodiscard]] Result<std::string> Proof(std::string_view method, std::string_view url,
                                          std::string_view access_token = {}) const;

  // Remembers `nonce` (a DPoP-Nonce answer header) for the server (scheme://host:port) of `url`;
  // true when it differs from the one remembered before. An empty nonce changes nothing.
  bool RememberNonce(std::string_view url, std::string_view nonce);

  // The JWK thumbprint of the proof key (what a bound token's cnf.jkt names).
  const std::string& thumbprint() const { return thumbprint_; }

 private:
  DpopProver(std::shared_ptr<JwsKey> key, fhir::JsonValue jwk, Clock clock);
  const std::shared_ptr<JwsKey> key_;
  const fhir::JsonValue jwk_;
  const std::string thumbprint_;
  const Clock clock_;
  mutable std::mutex mutex_;                    // guards nonces_
  std::map<std::string, std::string> nonces_;  // origin -> latest nonce
};

// "scheme://host[:port]" of `url` (lower case scheme and host), for nonce memory.
std::string UrlOrigin(std::string_view url);
// `url` without its query and fragment: a proof's htu (RFC 9449 §4.2).
std::string_view HtuOf(std::string_view url);

}  // namespace selvhjelp::plugin
