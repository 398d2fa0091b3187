// The listener over a real loopback socket, with a blocking POSIX client.
#include "plugin/http/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

using namespace selvhjelp::plugin;

namespace {

// A connected client; every read gives up after 5 s so a failing test cannot hang.
class Client {
 public:
  explicit Client(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval five{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }
  bool Send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Everything until the server closes (or 5 s pass).
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = recv(fd_, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  // Reads until `count` occurrences of `marker` have arrived.
  std::string ReadUntil(const std::string& marker, int count = 1) {
    std::string out;
    char buf[4096];
    auto seen = [&] {
      int n = 0;
      for (size_t at = out.find(marker); at != std::string::npos; at = out.find(marker, at + 1)) ++n;
      return n;
    };
    while (seen() < count) {
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_;
  bool connected_ = false;
};

ListenerOptions TestOptions() {
  ListenerOptions o;
  o.port = 0;
  o.threads = 2;
  o.max_header_bytes = 4096;
  o.max_body_bytes = 1024;
  o.header_timeout = std::chrono::milliseconds(300);
  o.shutdown_grace = std::chrono::seconds(5);
  return o;
}

// Answers "<method> <path> <query a> <body size>" at once.
void Echo(const std::shared_ptr<HttpExchange>& ex) {
  auto answer = [ex] {
    HttpReply r;
    r.content_type = "text/plain";
    auto a = ex->request().query.find("a");
    r.body = ex->request().method + " " + ex->request().path + " " + (a == ex->request().query.end() ? "-" : a->second) +
             " " + std::to_string(ex->request().body.size());
    ex->Reply(std::move(r));
  };
  if (ex->request().method == "POST") return ex->ReadBody(answer);
  answer();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(listener)

BOOST_AUTO_TEST_CASE(port_zero_is_read_back_and_pipelined_requests_are_answered_in_order) {
  auto listener = Listener::Bind(TestOptions());
  BOOST_REQUIRE(listener.ok());
  const int port = (*listener)->port();
  BOOST_TEST(port > 0);
  BOOST_TEST((*listener)->url() == "http://127.0.0.1:" + std::to_string(port));
  (*listener)->Serve(Echo);
  Client client(port);
  BOOST_REQUIRE(client.connected());
  client.Send("GET /one?a=x%20y HTTP/1.1\r\nHost: t\r\n\r\nPOST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
  std::string answers = client.ReadUntil("\r\n\r\n", 2);
  answers += client.ReadUntil(" 3");
  BOOST_TEST(answers.find("GET /one x y 0") != std::string::npos, answers);
  BOOST_TEST(answers.find("POST /two - 3") != std::string::npos, answers);
  BOOST_TEST(answers.find("GET /one") < answers.find("POST /two"));
}

BOOST_AUTO_TEST_CASE(the_request_names_the_connecting_peer) {
  auto listener = Listener::Bind(TestOptions());
  BOOST_REQUIRE(listener.ok());
  (*listener)->Serve([](const std::shared_ptr<HttpExchange>& ex) {
    HttpReply r;
    r.content_type = "text/plain";
    r.body = "peer=" + ex->request().peer_address + ";";
    ex->Reply(std::move(r));
  });
  Client client((*listener)->port());
  BOOST_REQUIRE(client.connected());
  client.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  const std::string answer = client.ReadUntil(";");
  BOOST_TEST(answer.find("peer=127.0.0.1;") != std::string::npos, answer);
}

BOOST_AUTO_TEST_CASE(limits_answer_431_413_and_400_then_close) {
  auto listener = Listener::Bind(TestOptions());
  BOOST_REQUIRE(listener.ok());
  (*listener)->Serve(Echo);
  const int port = (*listener)->port();
  {
    Client client(port);
    client.Send("GET / HTTP/1.1\r\nX-Big: " + std::string(8192, 'a') + "\r\n\r\n");
    std::string answer = client.ReadAll();
    BOOST_TEST(answer.rfind("HTTP/1.1 431", 0) == 0, answer);
    BOOST_TEST(answer.find("OperationOutcome") != std::string::npos);
  }
  {
    Client client(port);
    client.Send("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n");
    BOOST_TEST(client.ReadAll().rfind("HTTP/1.1 413", 0) == 0);
  }
  {  // chunked: stopped by the running count
    Client client(port);
    std::string chunk = "200\r\n" + std::string(512, 'b') + "\r\n";
    client.Send("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk);
    BOOST_TEST(client.ReadAll().rfind("HTTP/1.1 413", 0) == 0);
  }
  {
    Client client(port);
    client.Send("GET /?a=%zz HTTP/1.1\r\n\r\n");
    std::string answer = client.ReadAll();
    BOOST_TEST(answer.rfind("HTTP/1.1 400", 0) == 0, answer);
    BOOST_TEST(answer.find("\"a\"") != std::string::npos, answer);
  }
}

BOOST_AUTO_TEST_CASE(a_half_sent_header_is_closed_after_the_header_timeout) {
  auto listener = Listener::Bind(TestOptions());
  BOOST_REQUIRE(listener.ok());
  (*listener)->Serve(Echo);
  Client client((*listener)->port());
  client.Send("GET / HTTP/1.1\r\nHost: t\r\n");
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(client.ReadAll().empty());  // closed without an answer
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(4)));
}

BOOST_AUTO_TEST_CASE(stop_lets_a_request_in_flight_finish) {
  auto listener = Listener::Bind(TestOptions());
  BOOST_REQUIRE(listener.ok());
  std::promise<std::shared_ptr<HttpExchange>> held;
  (*listener)->Serve([&held](const std::shared_ptr<HttpExchange>& ex) { held.set_value(ex); });
  Client busy((*listener)->port());
  Client idle((*listener)->port());
  busy.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
  std::shared_ptr<HttpExchange> exchange = held.get_future().get();
  std::thread stopper([&] { (*listener)->Stop(); });
  BOOST_TEST(idle.ReadAll().empty());  // an idle connection is closed at once
  HttpReply r;
  r.body = "late but whole";
  exchange->Reply(r);  // from this thread, after Stop began
  std::string answer = busy.ReadAll();
  stopper.join();
  BOOST_TEST(answer.rfind("HTTP/1.1 200", 0) == 0, answer);
  BOOST_TEST(answer.find("Connection: close") != std::string::npos, answer);
  BOOST_TEST(answer.find("late but whole") != std::string::npos, answer);
}

BOOST_AUTO_TEST_SUITE_END()
