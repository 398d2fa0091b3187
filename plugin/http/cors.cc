#include "plugin/http/cors.h"

#include <algorithm>

namespace selvhjelp::plugin {

namespace {

class HeaderAddingExchange : public HttpExchange {
 public:
  HeaderAddingExchange(std::shared_ptr<HttpExchange> inner, std::vector<HttpHeader> headers)
      : inner_(std::move(inner)), headers_(std::move(headers)) {}
  const HttpRequest& request() const override { return inner_->request(); }
  const std::string& id() const override { return inner_->id(); }
  const TraceContext& trace() const override { return inner_->trace(); }
  void ReadBody(std::function<void()> then) override { inner_->ReadBody(std::move(then)); }
  void Reply(HttpReply response) override {
    response.headers.insert(response.headers.end(), headers_.begin(), headers_.end());
    inner_->Reply(std::move(response));
  }

 private:
  std::shared_ptr<HttpExchange> inner_;
  const std::vector<HttpHeader> headers_;
};

}  // namespace

bool CorsPolicy::Covers(std::string_view path) {
  constexpr std::string_view kPrefix = "/cds-services";
  return path.substr(0, kPrefix.size()) == kPrefix && (path.size() == kPrefix.size() || path[kPrefix.size()] == '/');
}

bool CorsPolicy::Allows(std::string_view origin) const {
  return !origin.empty() && std::find(allowed_.begin(), allowed_.end(), origin) != allowed_.end();
}

std::vector<HttpHeader> CorsPolicy::ResponseHeaders(std::string_view origin) const {
  if (!Allows(origin)) return {};
  return {{"Access-Control-Allow-Origin", std::string(origin)}, {"Vary", "Origin"}};
}

std::vector<HttpHeader> CorsPolicy::PreflightHeaders(std::string_view origin) const {
  std::vector<HttpHeader> headers = ResponseHeaders(origin);
  if (headers.empty()) return headers;
  headers.push_back({"Access-Control-Allow-Methods", "GET, POST"});
  headers.push_back({"Access-Control-Allow-Headers", "Authorization, Content-Type"});
  headers.push_back({"Access-Control-Max-Age", "600"});
  return headers;
}

std::shared_ptr<HttpExchange> WithReplyHeaders(std::shared_ptr<HttpExchange> exchange, std::vector<HttpHeader> headers) {
  if (headers.empty()) return exchange;
  return std::make_shared<HeaderAddingExchange>(std::move(exchange), std::move(headers));
}

}  // namespace selvhjelp::plugin
