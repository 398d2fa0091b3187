#pragma once
// The base URL a request reached the service at ("https://selvhjelp.helse.example", no trailing
// slash): what token audiences are checked against and what Location headers and links name.
//  1. service.publicBaseUrl, when set: always that, whatever the request says.
//  2. Otherwise, from a peer in service.trustedProxies (a reverse proxy or load balancer) that
//     sends X-Forwarded-Host: X-Forwarded-Proto ("http" or "https"; else the listener's own
//     scheme) "://" X-Forwarded-Host. When a header holds a list, the last element is taken: the
//     one the trusted proxy itself added.
//  3. Otherwise the listener's own URL (ServiceConfig::BaseUrl()). X-Forwarded-* from any other
//     peer is ignored, so a client cannot choose the audience its token is checked against.
#include <string>

#include "config/service_config.h"
#include "plugin/http/http_message.h"

namespace selvhjelp::plugin {

std::string RequestBaseUrl(const config::ServiceConfig& config, const HttpRequest& request);

}  // namespace selvhjelp::plugin
