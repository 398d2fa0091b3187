#pragma once
// HttpServer: the service's routes (CDS Hooks, records, directory, audit, health, metrics) on the
// listener of plugin/http/listener.h. Every handler runs inside an exception boundary and never
// blocks on the network.
#include <memory>
#include <string>

#include "fhir/base/result.h"
#include "plugin/runtime.h"

namespace selvhjelp::plugin {

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Stops accepting connections, lets requests in flight finish within service.shutdownGraceMs,
  // closes what is left, then waits for a running audit. Idempotent.
  virtual void Stop() = 0;
  // The bound URL, "http(s)://host:port", with the real port when service.port was 0.
  virtual std::string url() const = 0;
};

// Sizes cpprestsdk's thread pool. Call once, before any listener or client is created.
void SizeThreadPool(int threads);

// Starts listening on the configured address and port (0: an ephemeral port), with TLS when a
// certificate is configured, and sets runtime.config.port to the bound port before the first
// request is served, so BaseUrl() names it. Unavailable when the port cannot be bound or the TLS
// files cannot be loaded. `runtime` must outlive the server.
[[nodiscard]] Result<std::unique_ptr<HttpServer>> StartHttpServer(Runtime& runtime);

}  // namespace selvhjelp::plugin
