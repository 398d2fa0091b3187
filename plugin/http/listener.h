#pragma once
// Listener: the HTTP/1.1 server under every route (Boost.Beast, hidden in listener.cc). It
// enforces the limits that protect the service before any route runs: header size (431), body
// size checked against Content-Length and then as a running count while streaming (413), header,
// body and idle timeouts, and a connection cap at which the oldest idle connection makes room for a
// new one, so a probe always gets in. Routes see only plugin/http/http_message.h.
//
// Lifecycle: Bind (the port is known, nothing is served), Serve (threads start, connections are
// accepted), Stop (no new connections; idle ones close; requests in flight get `shutdown_grace`
// to be answered; what is left is closed; threads are joined). The destructor stops.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "fhir/base/result.h"
#include "plugin/http/http_message.h"

namespace selvhjelp::plugin {

struct ListenerOptions {
  std::string bind_address = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port, read back with port()
  std::filesystem::path tls_certificate;  // both set: https only, TLS 1.2 or later
  std::filesystem::path tls_private_key;
  int threads = 2;
  size_t max_header_bytes = 64 << 10;
  size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};  // per body read and per response write
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds shutdown_grace{10000};
  int max_connections = 1024;  // lowered (and logged) when the open-file limit is too close
  // Told of every answer once it is sent (for /metrics), on the connection's thread: it must be
  // cheap and not block. `elapsed`: from the complete request header to the answer's last byte.
  std::function<void(const HttpRequest& request, int status, std::chrono::microseconds elapsed)> on_answered;
};

// Called on a listener thread once a request's header is complete and its query decoded. It must
// not block on the network; it answers through the exchange, now or later from any thread.
// Exceptions it lets out become a 500 OperationOutcome with the request id.
using RequestHandler = std::function<void(const std::shared_ptr<HttpExchange>&)>;

class Listener {
 public:
  // Binds the address and port and loads the TLS files. Unavailable naming the address when the
  // port cannot be bound or the certificate or key cannot be loaded.
  [[nodiscard]] static Result<std::unique_ptr<Listener>> Bind(const ListenerOptions& options);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // The bound port (the real one when options.port was 0).
  int port() const;
  // "http(s)://host:port" with the bound port (127.0.0.1 for an unspecified bind address).
  std::string url() const;

  // Starts the threads and accepts connections, each request going to `handler`. Call once.
  void Serve(RequestHandler handler);

  // Graceful stop as described above; returns when every listener thread has ended. Idempotent.
  // Not to be called from a listener thread.
  void Stop();

  class Impl;

 private:
  explicit Listener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace selvhjelp::plugin
