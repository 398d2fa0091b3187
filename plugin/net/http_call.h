#pragma once
// HttpSend / HttpGet: how the group sources, the token client and the record delivery make HTTP
// calls without knowing the HTTP library (plugin/http/http_getter.cc implements both on
// cpprestsdk). Blocking: call them from background threads or the command line, never from a
// request handler.
#include <functional>
#include <map>
#include <string>

#include "fhir/base/result.h"

namespace selvhjelp::plugin {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string etag;           // the ETag header, if any
  std::string last_modified;  // the Last-Modified header, if any
  std::string location;       // the Location header, if any
};

struct HttpRequestSpec {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;  // e.g. Authorization, Content-Type, If-None-Match
  std::string body;
};

// Sends one request. Unavailable / DeadlineExceeded when the server cannot be reached or does not
// answer in time; any HTTP status is a successful exchange.
using HttpSend = std::function<Result<HttpResponse>(const HttpRequestSpec& request)>;

// GETs `url` with `headers`; the same errors as HttpSend.
using HttpGet = std::function<Result<HttpResponse>(const std::string& url,
                                                   const std::map<std::string, std::string>& headers)>;

// GETs through `send`.
inline HttpGet GetVia(HttpSend send) {
  return [send = std::move(send)](const std::string& url, const std::map<std::string, std::string>& headers) {
    return send(HttpRequestSpec{"GET", url, headers, ""});
  };
}

}  // namespace selvhjelp::plugin
