#include "plugin/auth/authorized_send.h"

#include <memory>

#include "fhir/base/status_macros.h"

namespace selvhjelp::plugin {
namespace {

// `url` is under `prefix`: equal, or continuing with a path, query or fragment.
bool Under(const std::string& url, const std::string& prefix) {
  if (prefix.empty() || url.compare(0, prefix.size(), prefix) != 0) return false;
  return url.size() == prefix.size() || prefix.back() == '/' || std::string("/?#").find(url[prefix.size()]) != std::string::npos;
}

constexpr std::string_view kBearer = "Bearer ";

}  // namespace

HttpSend MakeAuthorizedSend(HttpSend inner, std::vector<OutboundRoute> routes) {
  auto shared = std::make_shared<const std::vector<OutboundRoute>>(std::move(routes));
  return [inner = std::move(inner), routes = std::move(shared)](const HttpRequestSpec& original) -> Result<HttpResponse> {
    const OutboundRoute* route = nullptr;
    for (const OutboundRoute& r : *routes) {
      if (Under(original.url, r.prefix)) {
        route = &r;
        break;
      }
    }
    if (route == nullptr) return inner(original);
    HttpRequestSpec request = original;
    for (const auto& [name, value] : route->headers) request.headers.emplace(name, value);  // the caller's win
    std::shared_ptr<DpopProver> prover = route->tokens ? route->tokens->DpopProofs() : nullptr;
    auto authorization = request.headers.find("Authorization");
    if (prover == nullptr || authorization == request.headers.end() || !authorization->second.starts_with(kBearer)) {
      return inner(request);
    }
    const std::string token = authorization->second.substr(kBearer.size());
    authorization->second = "DPoP " + token;
    for (int attempt = 0;; ++attempt) {
      SELVHJELP_ASSIGN_OR_RETURN(request.headers["DPoP"], prover->Proof(request.method, request.url, token));
      SELVHJELP_ASSIGN_OR_RETURN(HttpResponse response, inner(request));
      const bool fresh_nonce = prover->RememberNonce(request.url, response.dpop_nonce);
      const bool demanded = response.status == 401 && response.www_authenticate.find("use_dpop_nonce") != std::string::npos;
      if (attempt > 0 || !demanded || !fresh_nonce) return response;
    }
  };
}

}  // namespace selvhjelp::plugin
