#pragma once
// AccessTokenSource: the access token selvhjelp sends when it calls a FHIR (or other) server.
// Either a static token (test set-ups) or SMART Backend Services (SMART App Launch 2.x,
// "Backend Services") in HelseID's stricter profile: a client_credentials grant authenticated
// with a private_key_jwt assertion signed ES384 or RS384 that lives kAssertionLifetimeSeconds and
// carries a new jti each time, the token endpoint read from <fhir>/.well-known/smart-configuration
// (unless configured), and the token cached until shortly before it expires. With a DPoP prover
// the token request carries a DPoP proof (RFC 9449), a DPoP-Nonce demand is met once, and a token
// answered as token_type DPoP is bound to the prover's key (DpopProofs() names it).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/auth/dpop_prover.h"
#include "plugin/auth/jwk.h"
#include "plugin/net/http_call.h"

namespace selvhjelp::plugin {

class AccessTokenSource {
 public:
  virtual ~AccessTokenSource() = default;
  // The token to send as "Authorization: Bearer <token>"; empty for none. May block on the token
  // endpoint: call from background threads only. Unavailable when the endpoint cannot be reached
  // or answers 5xx; PermissionDenied when it refuses the client (4xx), with its error code.
  virtual Result<std::string> Token() = 0;
  // The FHIR server refused the current token (401): the next Token() fetches a new one.
  virtual void Invalidate() {}
  // Token endpoint calls made (for /metrics).
  virtual int64_t token_requests() const { return 0; }
  // The prover the current token is bound to (token_type DPoP): each request sending it needs
  // "Authorization: DPoP <token>" and a proof with `ath` (plugin/auth/authorized_send.h). Null
  // for a bearer token.
  virtual std::shared_ptr<DpopProver> DpopProofs() const { return nullptr; }
};

// How long a client assertion lives (exp - iat): HelseID accepts at most 60 s; a little less
// leaves room for the clocks of the two ends.
constexpr int64_t kAssertionLifetimeSeconds = 50;

// Always the same token (empty: no Authorization header).
std::unique_ptr<AccessTokenSource> MakeStaticTokenSource(std::string token);

struct BackendServicesSettings {
  std::string fhir_server;     // base URL; discovery reads <fhir_server>/.well-known/smart-configuration
  std::string token_endpoint;  // when set, discovery is skipped
  std::string client_id;
  std::shared_ptr<JwsKey> key;  // private; its kid goes in the assertion header
  std::string scope;
  // Defaults here keep the brace-initialisations of the fields above warning-free.
  std::string assertion_audience = {};  // the assertion's aud; empty: the token endpoint
  // Extra token request parameters, e.g. HelseID's ("resource", "nhn:...") or ("audience", ...).
  std::vector<std::pair<std::string, std::string>> token_parameters = {};
  // Proofs on token requests from the start when `dpop` is true; a prover is still needed when it
  // is false, for a token endpoint that demands DPoP (error invalid_dpop_proof): then DPoP is used
  // from that answer on. Null: never DPoP.
  std::shared_ptr<DpopProver> prover = nullptr;
  bool dpop = false;
};

// `clock` gives seconds since the epoch.
std::unique_ptr<AccessTokenSource> MakeBackendServicesTokenSource(BackendServicesSettings settings, HttpSend send,
                                                                  std::function<int64_t()> clock);

// application/x-www-form-urlencoded encoding of one value (RFC 3986 unreserved kept).
std::string FormEncode(std::string_view value);

}  // namespace selvhjelp::plugin
