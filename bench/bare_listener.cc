// A bare cpprestsdk listener that reads the request body and answers fixed bytes: the baseline
// the hook endpoint is compared with in bench/run.sh. Usage: bare_listener PORT THREADS RESPONSE_FILE
#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: bare_listener PORT THREADS RESPONSE_FILE\n";
    return 2;
  }
  crossplat::threadpool::initialize_with_threads(static_cast<size_t>(std::atoi(argv[2])));
  std::ifstream in(argv[3]);
  std::stringstream body;
  body << in.rdbuf();
  const std::string response = body.str();
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  web::http::experimental::listener::http_listener listener(std::string("http://127.0.0.1:") + argv[1]);
  listener.support([&response](web::http::http_request request) {
    request.extract_utf8string(true).then([request, &response](pplx::task<std::string> t) mutable {
      try {
        t.get();
        request.reply(web::http::status_codes::OK, response, "application/json; charset=utf-8");
      } catch (const std::exception&) {
      }
    });
  });
  listener.open().wait();
  std::cout << "bare listener on " << argv[1] << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  listener.close().wait();
  return 0;
}
