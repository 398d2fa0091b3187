#include "plugin/http/access_guard.h"

#include <algorithm>

#include "plugin/http/error_response.h"
#include "plugin/http/public_base.h"
#include "plugin/log.h"

namespace selvhjelp::plugin {
namespace {

constexpr const char* kRealm = "selvhjelp";

void ReplyRefusal(const std::shared_ptr<HttpExchange>& ex, const Status& status, std::string challenge) {
  ReplyWithError(*ex, status, {{"WWW-Authenticate", std::move(challenge)}});
}

}  // namespace

bool Caller::HasScope(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

AccessGuard::AccessGuard(const config::ServiceConfig& config, JwtVerifier& cds, const AccessTokenVerifier* tokens)
    : config_(config), cds_(cds), tokens_(tokens) {}

std::optional<Caller> AccessGuard::Admit(const std::shared_ptr<HttpExchange>& ex) {
  if (!config_.auth_required) return Caller{};
  const HttpRequest& request = ex->request();
  const std::string_view authorization = request.Header("Authorization");
  const std::string url = RequestBaseUrl(config_, request) + request.path;
  if (tokens_ == nullptr || !tokens_->Recognises(authorization)) {
    Result<VerifiedToken> token = cds_.Verify(authorization, url);
    if (token.ok()) return Caller{token->iss, token->sub, false, {}};
    Log(LogLevel::kWarning, "auth.rejected", "request " + ex->id() + " rejected: " + token.status().message(), ex->trace().trace_id);
    // Without an access-token issuer the answer is as it always was; with one, the caller learns
    // which schemes are taken.
    if (tokens_ == nullptr) {
      ReplyWithError(*ex, token.status());
    } else {
      ReplyRefusal(ex, token.status(), std::string("Bearer realm=\"") + kRealm + "\", DPoP algs=\"ES256 ES384 RS256 RS384\"");
    }
    return std::nullopt;
  }
  AccessCheck check = tokens_->Verify(authorization, request.Header("DPoP"), request.method, url);
  if (check.status.ok()) return Caller{check.grant.iss, check.grant.sub, true, std::move(check.grant.scopes)};
  Log(LogLevel::kWarning, "auth.rejected", "request " + ex->id() + " rejected: access token: " + check.status.message(),
      ex->trace().trace_id);
  if (check.status.code() != StatusCode::kUnauthenticated) {
    ReplyWithError(*ex, check.status);
    return std::nullopt;
  }
  std::string challenge = check.scheme + " realm=\"" + kRealm + "\", error=\"" + check.error + "\"";
  if (check.scheme == "DPoP") {
    std::string algs;
    for (const std::string& alg : tokens_->rules().algorithms) algs += (algs.empty() ? "" : " ") + alg;
    challenge += ", algs=\"" + algs + "\"";
  }
  ReplyRefusal(ex, check.status, std::move(challenge));
  return std::nullopt;
}

bool AccessGuard::RequireScope(const std::shared_ptr<HttpExchange>& ex, const Caller& caller, const std::string& scope) {
  if (!config_.auth_required || !caller.access_token || caller.HasScope(scope)) return true;
  Log(LogLevel::kWarning, "auth.refused", "request " + ex->id() + " refused: the access token lacks the scope " + scope,
      ex->trace().trace_id);
  RefuseScope(ex, scope, "(auth): the access token lacks the scope " + scope);
  return false;
}

void AccessGuard::RefuseScope(const std::shared_ptr<HttpExchange>& ex, const std::string& scope, const std::string& why) {
  ReplyRefusal(ex, PermissionDeniedError(why),
               std::string("Bearer realm=\"") + kRealm + "\", error=\"insufficient_scope\", scope=\"" + scope + "\"");
}

}  // namespace selvhjelp::plugin
