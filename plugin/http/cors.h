#pragma once
// CORS for browser-based CDS clients (the CDS Hooks sandbox, an EHR's web front end): origins
// from service.corsAllowedOrigins get the headers that let their pages call the CDS routes;
// other origins get none, so the browser keeps their pages out. The exact origin is echoed,
// never `*`. Immutable after construction; thread-safe.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/http/http_message.h"

namespace selvhjelp::plugin {

class CorsPolicy {
 public:
  // `allowed_origins`: "scheme://host[:port]" each, as the config loader checked them.
  explicit CorsPolicy(std::vector<std::string> allowed_origins) : allowed_(std::move(allowed_origins)) {}

  // True for the paths the policy covers: /cds-services and below.
  static bool Covers(std::string_view path);
  // For an answer to a request with `origin` (its Origin header): Access-Control-Allow-Origin
  // and Vary: Origin when the origin is allowed; nothing otherwise.
  std::vector<HttpHeader> ResponseHeaders(std::string_view origin) const;
  // For the answer to a preflight (OPTIONS) from `origin`: the above plus the methods (GET, POST)
  // and request headers (Authorization, Content-Type) allowed, cached for 10 minutes; nothing
  // when the origin is not allowed.
  std::vector<HttpHeader> PreflightHeaders(std::string_view origin) const;

 private:
  bool Allows(std::string_view origin) const;
  std::vector<std::string> allowed_;
};

// `exchange`, whose every reply also carries `headers`.
std::shared_ptr<HttpExchange> WithReplyHeaders(std::shared_ptr<HttpExchange> exchange, std::vector<HttpHeader> headers);

}  // namespace selvhjelp::plugin
