#pragma once
// TraceContext: the trace id a request is known by in our logs, in its answer and in the calls we
// make for it (W3C Trace Context, https://www.w3.org/TR/trace-context/). Taken from the caller's
// `traceparent` when it is valid, else made here from random bytes: never derived from a request's
// content, so never from patient data. A caller's `X-Request-Id` (printable, at most 128
// characters) is kept and echoed too; without one, the trace id serves as the request id.
#include <cstdint>
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

struct TraceContext {
  std::string trace_id;    // 32 lowercase hex digits, not all zero
  std::string request_id;  // the caller's X-Request-Id, else trace_id
  std::string span_id;     // 16 hex digits: our span for this request (made once), in traceresponse
                           // and as the parent id of every call made for it
  bool sampled = false;    // the caller's traceparent flag (01), passed on as given

  // From the request's header values (empty when absent). An invalid traceparent is ignored.
  static TraceContext FromHeaders(std::string_view traceparent, std::string_view request_id);
  // A new trace (background work that no request caused).
  static TraceContext Fresh();

  // A `traceparent` value for this trace: version 00, this trace id, this span id, the sampled
  // flag. The same value for the answer's traceresponse and for each call made for the request,
  // so the EHR's and the FHIR server's logs name the span that our answer names.
  std::string Traceparent() const;
};

}  // namespace selvhjelp::plugin
