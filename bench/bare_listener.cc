// The transport's floor for bench/run.sh: selvhjelp's own HTTP listener (plugin/http/listener.h,
// Boost.Beast, the same limits, log line and thread count as `selvhjelp serve`) reading each
// request's body and answering fixed bytes, with no route, hook or store behind it.
// Usage: bare_listener THREADS RESPONSE_FILE   binds a free port on 127.0.0.1, prints
// "bare listener on PORT" and serves until SIGINT or SIGTERM.
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "fhir/json/json_file.h"
#include "plugin/http/listener.h"

using namespace selvhjelp::plugin;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bare_listener THREADS RESPONSE_FILE\n";
    return 2;
  }
  auto response = selvhjelp::fhir::ReadTextFile(argv[2]);
  if (!response.ok()) {
    std::cerr << response.status().message() << "\n";
    return 1;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the listener's threads start
  ListenerOptions options;
  options.threads = std::atoi(argv[1]);
  auto listener = Listener::Bind(options);
  if (!listener.ok()) {
    std::cerr << listener.status().message() << "\n";
    return 1;
  }
  const std::string body = std::move(response).value();
  (*listener)->Serve([&body](const std::shared_ptr<HttpExchange>& exchange) {
    exchange->ReadBody([exchange, &body] {
      HttpReply reply;
      reply.body = body;
      exchange->Reply(std::move(reply));
    });
  });
  std::cout << "bare listener on " << (*listener)->port() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  (*listener)->Stop();
  return 0;
}
