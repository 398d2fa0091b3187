#pragma once
// The HTTP layer's neutral vocabulary: a request as the routes see it, a response as they give it,
// and the exchange that ties one to the other. No Beast or cpprestsdk type appears here, so route
// code depends on this file only and the listener behind it (plugin/http/listener.h) can change.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugin/net/trace_context.h"

namespace selvhjelp::plugin {

// One header field as received or to be sent.
struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method;  // as sent: "GET", "POST", ...
  std::string path;    // the target's path, still percent-encoded as sent ("/records/abc")
  std::map<std::string, std::string> query;  // decoded parameters; the last of a repeated name wins
  std::vector<HttpHeader> headers;
  std::string peer_address;  // the connecting socket's IP address ("192.0.2.7", "2001:db8::1")
  std::string body;  // empty until HttpExchange::ReadBody has called back

  // The first header named `name` (ASCII case-insensitive), or empty when there is none.
  std::string_view Header(std::string_view name) const;
  // Every field line named `name` joined with ", ", in order (RFC 9110 §5.3: a list sent on
  // several lines is one list), or empty when there is none. For list headers a proxy appends to.
  std::string JoinedHeader(std::string_view name) const;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<HttpHeader> headers;  // besides Content-Type, Content-Length, Connection and Date
};

// One request and its answer. The listener creates it once the request's header is complete,
// and calls the route with it. Thread-safe: Reply may come from any thread (a pplx continuation,
// an audit thread); the listener moves it to the connection's own executor.
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;

  virtual const HttpRequest& request() const = 0;
  // The request id used in the log and in 500 answers.
  virtual const std::string& id() const = 0;
  // The request's trace (its traceparent / X-Request-Id, or one made for it): in every log line
  // of the request, in its answer (X-Request-Id, traceresponse) and in the calls made for it.
  virtual const TraceContext& trace() const = 0;

  // Reads the body into request().body, bounded by service.maxBodyBytes (checked against
  // Content-Length first, then as a running count for chunked bodies), and then calls `then` on
  // a listener thread. When the body is too large (413), cannot be read (400) or does not come
  // in time, the listener answers itself and `then` is never called. Call at most once, before
  // Reply; a route that answers without reading the body makes the listener close the
  // connection after the answer instead of reading an unwanted body.
  virtual void ReadBody(std::function<void()> then) = 0;

  // Sends the answer; the first call wins, later calls are ignored. The log line (id, method,
  // path, status, time, trace) is written when it is sent.
  virtual void Reply(HttpReply response) = 0;
};

}  // namespace selvhjelp::plugin
