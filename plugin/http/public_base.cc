#include "plugin/http/public_base.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace selvhjelp::plugin {
namespace {

// The last element of a comma-separated header value, without surrounding spaces.
std::string_view LastElement(std::string_view value) {
  const size_t comma = value.rfind(',');
  if (comma != std::string_view::npos) value.remove_prefix(comma + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value;
}

// host[:port], a bracketed IPv6 literal included; nothing that could add a path, user or query.
bool IsHost(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](unsigned char ch) {
    return std::isalnum(ch) || ch == '.' || ch == '-' || ch == ':' || ch == '[' || ch == ']';
  });
}

bool FromTrustedProxy(const config::ServiceConfig& config, const HttpRequest& request) {
  return std::any_of(config.trusted_proxies.begin(), config.trusted_proxies.end(),
                     [&](const config::IpRange& range) { return range.Contains(request.peer_address); });
}

}  // namespace

std::string RequestBaseUrl(const config::ServiceConfig& config, const HttpRequest& request) {
  if (!config.public_base_url.empty() || config.trusted_proxies.empty() || !FromTrustedProxy(config, request)) {
    return config.BaseUrl();
  }
  // A proxy may append its own field line rather than extend the client's: all lines are one list,
  // and the last element is the trusted proxy's.
  const std::string hosts = request.JoinedHeader("X-Forwarded-Host");
  const std::string protos = request.JoinedHeader("X-Forwarded-Proto");
  const std::string_view host = LastElement(hosts);
  if (!IsHost(host)) return config.BaseUrl();
  std::string_view proto = LastElement(protos);
  if (proto != "http" && proto != "https") proto = config.tls_certificate.empty() ? "http" : "https";
  return std::string(proto) + "://" + std::string(host);
}

}  // namespace selvhjelp::plugin
