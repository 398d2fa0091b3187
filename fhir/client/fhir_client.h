#pragma once
// FhirClient: asynchronous reads from a FHIR R4 server. Callers never block on it: the result
// arrives in a callback, which is how request handlers stay free (a blocked cpprestsdk handler
// thread can deadlock the whole listener).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

struct FhirReadOptions {
  std::string bearer_token;  // sent as "Authorization: Bearer ..." when not empty; never logged
  std::chrono::milliseconds timeout{2000};  // per HTTP call
  int max_pages = 5;  // searchset `next` links followed at most this many times
  // The bodies of all pages together, in bytes; 0: no bound. A page whose Content-Length would
  // pass it is not read; the count is checked after each page. (A body sent without a length is
  // read whole before it is counted.)
  int64_t max_bytes = 0;
  // Sent with every call as given (e.g. a W3C traceparent); never Authorization (bearer_token is).
  std::vector<std::pair<std::string, std::string>> headers;
};

class FhirClient {
 public:
  using Callback = std::function<void(Result<JsonValue>)>;
  virtual ~FhirClient() = default;

  // GETs `base_url` + "/" + `relative_url` (a read or a search). For a searchset Bundle, follows
  // `next` links on the same scheme, host and port only (the token never goes elsewhere) and
  // returns one Bundle with all entries. Calls `done` exactly once, on a client thread, with:
  //   the resource or Bundle; NotFound (404/410); PermissionDenied (401/403);
  //   Unavailable (connection failure, 5xx, or a body that is not FHIR JSON);
  //   DeadlineExceeded (no answer within options.timeout); InvalidArgument (a bad URL);
  //   ResourceExhausted (options.max_bytes passed).
  // Thread-safe. Destroying the client cancels the calls in flight and waits until each of their
  // callbacks has run (with Unavailable), so no callback outlives the client.
  virtual void Read(const std::string& base_url, const std::string& relative_url,
                    const FhirReadOptions& options, Callback done) = 0;
};

// The production client, on cpprestsdk.
std::unique_ptr<FhirClient> MakeRestFhirClient();

}  // namespace selvhjelp::fhir
