#pragma once
// AccessGuard: who may call the routes that other systems call (POST /records,
// $record-information, GET /records/{id}, $evaluate-measure). Two kinds of credentials:
// - the EHR-signed CDS Hooks JWT, checked by the JwtVerifier exactly as for the hooks (aud = the
//   URL invoked, jti once);
// - an OAuth 2.0 access token from auth.accessTokens (a hospital STS, HelseID), Bearer or DPoP,
//   checked by the AccessTokenVerifier; each route then names the scope it needs.
// A token is the access verifier's when its scheme is DPoP or its iss is that issuer; any other
// goes to the CDS Hooks verifier. Refusals are answered here: 401 with an OperationOutcome and
// WWW-Authenticate (RFC 6750 §3 / RFC 9449 §7.1), 403 insufficient_scope naming the scope.
// The reasons go to the log with the request id only; tokens are never logged.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/service_config.h"
#include "plugin/auth/access_token_verifier.h"
#include "plugin/auth/jwt_verifier.h"
#include "plugin/http/http_message.h"

namespace selvhjelp::plugin {

struct Caller {
  std::string iss, sub;              // empty when auth.required is false
  bool access_token = false;         // an OAuth access token: its scopes decide
  std::vector<std::string> scopes;   // the access token's
  bool HasScope(std::string_view scope) const;
};

class AccessGuard {
 public:
  // `tokens` may be null (auth.accessTokens not configured): then only CDS Hooks JWTs count.
  // Everything given must outlive the guard.
  AccessGuard(const config::ServiceConfig& config, JwtVerifier& cds, const AccessTokenVerifier* tokens);

  // The verified caller; or replies 401 and returns nullopt. With auth.required false, anyone.
  std::optional<Caller> Admit(const std::shared_ptr<HttpExchange>& ex);

  // True when `caller` may use `scope`: a CDS Hooks caller (the EHR's trust) or an access token
  // carrying it. Otherwise replies 403 insufficient_scope and returns false.
  bool RequireScope(const std::shared_ptr<HttpExchange>& ex, const Caller& caller, const std::string& scope);

  // Replies 403 insufficient_scope naming `scope`, with `why` in the OperationOutcome.
  static void RefuseScope(const std::shared_ptr<HttpExchange>& ex, const std::string& scope, const std::string& why);

 private:
  const config::ServiceConfig& config_;
  JwtVerifier& cds_;
  const AccessTokenVerifier* tokens_;
};

}  // namespace selvhjelp::plugin
