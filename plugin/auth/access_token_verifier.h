#pragma once
// AccessTokenVerifier: checks OAuth 2.0 access tokens that other systems send to this service's
// API (a hospital STS or HelseID as the authorization server), as HelseID's "validering av access
// token" and RFC 9068 ask: a JWT with typ at+jwt (or JWT), an allowed asymmetric alg, the exact
// issuer, our API name in aud, exp and nbf with a short leeway, a key from the issuer's JWK Set
// (a file, or its jwks_uri fetched by the JwksRefresher). A DPoP-bound token (cnf.jkt) must come
// with the DPoP scheme and a valid proof of that key (RFC 9449 §7). Scopes are not checked here:
// the route does (AccessGrant::HasScope). Thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/auth/jti_store.h"
#include "plugin/auth/jwk.h"
#include "plugin/auth/jwks_key_sink.h"

namespace selvhjelp::plugin {

struct AccessTokenRules {
  std::string issuer;    // exact iss
  std::string audience;  // our API name; aud must contain it
  std::vector<std::string> algorithms;  // asymmetric only: ES256 ES384 RS256 RS384
  int64_t leeway_seconds = 30;          // for exp, nbf, iat and DPoP proof times
  std::string jwks_uri;                 // fetched by the refresher; may be empty
};

// Who called, and what they may do. Safe to log except `scopes` (harmless too).
struct AccessGrant {
  std::string iss, sub, client_id, jti;
  std::vector<std::string> scopes;  // from `scope` (space-separated string or array) or `scp`
  bool dpop_bound = false;
  bool HasScope(std::string_view scope) const;
};

// The outcome of a check. `error` is the RFC 6750 / RFC 9449 error code for WWW-Authenticate
// when `status` is not OK: invalid_request (no or malformed credentials), invalid_token, or
// invalid_dpop_proof. `scheme` is the one the caller used ("Bearer" or "DPoP").
struct AccessCheck {
  Status status;
  std::string error;
  std::string scheme = "Bearer";
  AccessGrant grant;  // when status is OK
};

class AccessTokenVerifier : public JwksKeySink {
 public:
  using Clock = std::function<int64_t()>;  // seconds since the epoch
  // `keys`: from the configured JWKS file (may be empty when rules.jwks_uri is set). `proof_jtis`
  // remembers DPoP proofs already used (in memory unless given: the service passes the store's,
  // so a proof is refused after a restart and by every instance over the same store).
  AccessTokenVerifier(AccessTokenRules rules, std::vector<std::shared_ptr<JwsKey>> keys, Clock clock,
                      std::shared_ptr<JtiStore> proof_jtis = MakeMemoryJtiStore());

  // Whether `authorization` is for this verifier rather than the CDS Hooks one: the DPoP scheme,
  // or a Bearer JWT whose (not yet verified) iss is our issuer.
  bool Recognises(std::string_view authorization) const;

  // Checks `authorization` (the header value, "Bearer <jwt>" or "DPoP <jwt>", scheme in any case)
  // and `dpop` (the DPoP header, may be empty) for a `method` request to `url`.
  AccessCheck Verify(std::string_view authorization, std::string_view dpop, std::string_view method,
                     std::string_view url) const;

  const AccessTokenRules& rules() const { return rules_; }

  // JwksKeySink: the jwks_uri, when configured.
  std::vector<std::pair<std::string, std::string>> AllowedJku() const override;
  void SetJkuKeys(const std::string& iss, const std::string& url, std::vector<std::shared_ptr<JwsKey>> keys) override;

 private:
  const AccessTokenRules rules_;
  const std::vector<std::shared_ptr<JwsKey>> file_keys_;
  mutable std::shared_mutex fetched_mutex_;  // guards fetched_keys_
  std::vector<std::shared_ptr<JwsKey>> fetched_keys_;
  const Clock clock_;
  const std::shared_ptr<JtiStore> proof_jtis_;
};

}  // namespace selvhjelp::plugin
