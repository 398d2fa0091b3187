#pragma once
// JwtVerifier: checks the bearer JWT a CDS client sends (CDS Hooks 2.0 "Trusting CDS Clients").
// Thread-safe.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/auth/jti_store.h"
#include "plugin/auth/jwk.h"
#include "plugin/auth/jwks_key_sink.h"

namespace selvhjelp::plugin {

struct IssuerKeys {
  std::string iss;
  std::vector<std::shared_ptr<JwsKey>> keys;  // from the configured JWKS file
  // Allowed `jku` URL -> the keys fetched from it (empty until fetched; see SetJkuKeys).
  std::map<std::string, std::vector<std::shared_ptr<JwsKey>>> jku_keys;
};

struct VerifiedToken {
  std::string iss, jti, kid;  // safe to log; the token itself never is
  std::string sub;            // the subject (who is calling), when the token names one
};

// The longest lifetime (exp - iat) accepted unless configured otherwise: the CDS Hooks 2.0
// specification recommends 5 minutes.
constexpr int64_t kDefaultMaxTokenLifetimeSeconds = 300;

class JwtVerifier : public JwksKeySink {
 public:
  using Clock = std::function<int64_t()>;  // seconds since the epoch
  // `used_jtis` remembers used tokens (in memory unless given: the service passes the store's
  // table, so a restart does not forget them).
  JwtVerifier(std::vector<IssuerKeys> issuers, std::vector<std::string> algorithms,
              int clock_skew_seconds, Clock clock,
              std::shared_ptr<JtiStore> used_jtis = MakeMemoryJtiStore(),
              int64_t max_lifetime_seconds = kDefaultMaxTokenLifetimeSeconds);

  // Verifies `authorization` (the whole header value, "Bearer <jwt>", the scheme in any case) for
  // a request to `audience` (the exact URL invoked). Unauthenticated, with a reason for our logs
  // only, when: the header or token is malformed; alg is not an allowed asymmetric algorithm; typ
  // is not JWT; the header has `crit` (we understand no extension, RFC 7515 §4.1.11); iss is not
  // trusted; jku is present but not allowed for iss; no key matches kid and alg; the signature is
  // wrong; aud does not contain `audience`; exp has passed; iat is missing or in the future; exp
  // is more than `max_lifetime_seconds` after iat; nbf is in the future; jti is missing or was
  // already used by this issuer. Unavailable when the use of the jti cannot be recorded.
  Result<VerifiedToken> Verify(std::string_view authorization, std::string_view audience);

  // Replaces the keys known for an allowed `jku` URL of `iss` (after a fetch). Ignored for a
  // URL that is not on that issuer's allow-list.
  void SetJkuKeys(const std::string& iss, const std::string& url,
                  std::vector<std::shared_ptr<JwsKey>> keys) override;
  // Every (iss, allowed jku URL) pair, for the fetcher.
  std::vector<std::pair<std::string, std::string>> AllowedJku() const override;

 private:
  mutable std::shared_mutex keys_mutex_;  // guards the key lists in issuers_
  std::vector<IssuerKeys> issuers_;
  std::vector<std::string> algorithms_;
  int64_t skew_;
  Clock clock_;
  std::shared_ptr<JtiStore> used_jtis_;
  int64_t max_lifetime_;
};

}  // namespace selvhjelp::plugin
