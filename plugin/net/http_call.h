#pragma once
// HttpSend: how the group sources, the token client and the record delivery make HTTP
// calls without knowing the HTTP library (plugin/http/http_getter.cc implements it on
// cpprestsdk). Blocking: call them from background threads or the command line, never from a
// request handler. A sender may be made with a std::stop_token: once stop is requested, calls in
// flight end at once and new ones fail at once (Unavailable "cancelled"), so no thread waits on a
// hanging peer at shutdown.
#include <cstdint>
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
  // Initialised here so that the brace-initialisations of the fields above stay warning-free.
  std::string dpop_nonce = {};        // the DPoP-Nonce header, if any (RFC 9449 §8)
  std::string www_authenticate = {};  // the WWW-Authenticate header, if any
};

struct HttpRequestSpec {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;  // e.g. Authorization, Content-Type, If-None-Match
  std::string body;
  // At most this many bytes of answer (0: no bound): a larger Content-Length, or a body that
  // grows past it, ends the call with ResourceExhausted and the connection is closed.
  int64_t max_response_bytes = 0;
};

// Sends one request. Unavailable / DeadlineExceeded when the server cannot be reached or does not
// answer in time (Unavailable "cancelled" when the sender's stop was requested); ResourceExhausted
// past max_response_bytes; any HTTP status is a successful exchange.
using HttpSend = std::function<Result<HttpResponse>(const HttpRequestSpec& request)>;

}  // namespace selvhjelp::plugin
