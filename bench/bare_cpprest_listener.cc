// The floor issue 14 names: cpprestsdk's own HTTP listener (web::http::experimental::listener,
// the service's transport when the issue was written; since replaced by plugin/http/listener.h)
// reading each request's body and answering fixed bytes, with no route, hook or store behind it.
// bench/run.sh measures the hook against it next to bench/bare_listener.cc (today's transport).
// Usage: bare_cpprest_listener THREADS RESPONSE_FILE   binds a free port on 127.0.0.1, prints
// "bare listener on PORT" and serves until SIGINT or SIGTERM. cpprestsdk cannot report the port
// the system chose for port 0, so a free one is asked for first and taken (again, if another
// process took it meanwhile).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "fhir/json/json_file.h"

namespace {

// A loopback port that was free a moment ago, or 0.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

int main(int argc, char** argv) {
  using web::http::experimental::listener::http_listener;
  if (argc != 3) {
    std::cerr << "usage: bare_cpprest_listener THREADS RESPONSE_FILE\n";
    return 2;
  }
  auto response = selvhjelp::fhir::ReadTextFile(argv[2]);
  if (!response.ok()) {
    std::cerr << response.status().message() << "\n";
    return 1;
  }
  const std::string body = std::move(response).value();
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before cpprestsdk's threads start
  crossplat::threadpool::initialize_with_threads(static_cast<size_t>(std::atoi(argv[1])));

  std::unique_ptr<http_listener> listener;
  int port = 0;
  for (int attempt = 0; attempt < 5 && !listener; ++attempt) {
    port = FreePort();
    auto candidate = std::make_unique<http_listener>("http://127.0.0.1:" + std::to_string(port));
    candidate->support(web::http::methods::POST, [&body](web::http::http_request request) {
      request.extract_string().then([request, &body](pplx::task<std::string> read) mutable {
        try {
          read.get();
        } catch (const std::exception&) {
        }
        request.reply(web::http::status_codes::OK, body, "application/json");
      });
    });
    try {
      candidate->open().wait();
      listener = std::move(candidate);
    } catch (const std::exception& error) {
      std::cerr << "port " << port << ": " << error.what() << "\n";
    }
  }
  if (!listener) return 1;
  std::cout << "bare listener on " << port << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  listener->close().wait();
  return 0;
}
