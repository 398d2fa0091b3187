#pragma once
// HttpServer: the CDS Hooks endpoints over cpprestsdk (the only place with web::http besides the
// FHIR client). Every handler runs inside an exception boundary and never blocks on a task.
#include <memory>
#include <string>

#include "fhir/base/result.h"
#include "plugin/runtime.h"

namespace selvhjelp::plugin {

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Stops accepting requests and waits for the listener to close.
  virtual void Stop() = 0;
  virtual std::string url() const = 0;
};

// Sizes cpprestsdk's thread pool. Call once, before any listener or client is created.
void SizeThreadPool(int threads);

// Starts listening on the configured address and port, with TLS when a certificate is
// configured. Unavailable when the port cannot be bound. `runtime` must outlive the server.
[[nodiscard]] Result<std::unique_ptr<HttpServer>> StartHttpServer(Runtime& runtime);

}  // namespace selvhjelp::plugin
