#pragma once
// HttpGet: how group sources read http(s) URLs, without knowing the HTTP library
// (plugin/http/http_getter.cc implements it). Blocking: call it from the refresher or the
// command line, never from a request handler.
#include <functional>
#include <map>
#include <string>

#include "fhir/base/result.h"

namespace selvhjelp::plugin {

struct HttpGetResponse {
  int status = 0;
  std::string body;
  std::string etag;           // the ETag header, if any
  std::string last_modified;  // the Last-Modified header, if any
};

// GETs `url` with `headers` (e.g. If-None-Match). Unavailable / DeadlineExceeded when the server
// cannot be reached or does not answer in time; any HTTP status is a successful GET.
using HttpGet = std::function<Result<HttpGetResponse>(const std::string& url,
                                                      const std::map<std::string, std::string>& headers)>;

}  // namespace selvhjelp::plugin
