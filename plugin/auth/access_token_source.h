#pragma once
// AccessTokenSource: the bearer token selvhjelp sends when it writes to the EHR's FHIR server.
// Either a static token (test set-ups) or SMART Backend Services (SMART App Launch 2.x,
// "Backend Services"): a client_credentials grant authenticated with a private_key_jwt assertion
// signed ES384 or RS384, the token endpoint read from <fhir>/.well-known/smart-configuration
// (unless configured), and the token cached until shortly before it expires.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "fhir/base/result.h"
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
};

// Always the same token (empty: no Authorization header).
std::unique_ptr<AccessTokenSource> MakeStaticTokenSource(std::string token);

struct BackendServicesSettings {
  std::string fhir_server;     // base URL; discovery reads <fhir_server>/.well-known/smart-configuration
  std::string token_endpoint;  // when set, discovery is skipped
  std::string client_id;
  std::shared_ptr<JwsKey> key;  // private; its kid goes in the assertion header
  std::string scope;
};

// `clock` gives seconds since the epoch.
std::unique_ptr<AccessTokenSource> MakeBackendServicesTokenSource(BackendServicesSettings settings, HttpSend send,
                                                                  std::function<int64_t()> clock);

// application/x-www-form-urlencoded encoding of one value (RFC 3986 unreserved kept).
std::string FormEncode(std::string_view value);

}  // namespace selvhjelp::plugin
