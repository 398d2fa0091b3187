#pragma once
// An HttpSend that adds what a server behind an API gateway or a DPoP-protected API needs on top
// of the caller's request: the configured extra headers (e.g. an APIM subscription key; never
// logged), and for a DPoP-bound token (AccessTokenSource::DpopProofs) the DPoP scheme and proof:
// the caller's "Authorization: Bearer <token>" becomes "Authorization: DPoP <token>" with a
// "DPoP" header proving the key (htm, htu, ath). A 401 with WWW-Authenticate error
// "use_dpop_nonce" and a new DPoP-Nonce is retried once with that nonce; the latest nonce of
// each server is remembered for later proofs. Callers keep setting Bearer tokens and calling
// Invalidate on 401 as before.
#include <string>
#include <utility>
#include <vector>

#include "plugin/auth/access_token_source.h"
#include "plugin/net/http_call.h"

namespace selvhjelp::plugin {

// What applies to requests whose URL starts with `prefix` (a server's base URL; the first
// matching route wins). `tokens` may be null (nothing to bind); it must outlive the sender.
struct OutboundRoute {
  std::string prefix;
  const AccessTokenSource* tokens = nullptr;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Requests matching no route are passed to `inner` unchanged.
HttpSend MakeAuthorizedSend(HttpSend inner, std::vector<OutboundRoute> routes);

}  // namespace selvhjelp::plugin
