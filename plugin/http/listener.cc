#include "plugin/http/listener.h"

#include <sys/resource.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "fhir/base/status_macros.h"
#include "plugin/http/error_response.h"
#include "plugin/http/request_target.h"
#include "plugin/log.h"
#include "plugin/metrics/request_metrics.h"

namespace selvhjelp::plugin {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// After an answer that ends the connection, what the client still sends is read and dropped for
// at most this long, so that closing with unread data does not reset the connection under the
// answer (the client may still be sending a body we refused).
constexpr std::chrono::milliseconds kLinger{2000};
constexpr size_t kChunk = 16 << 10;  // one read of a body, and the idle read
// File descriptors kept free of connections: the store, outgoing HTTP, sources, logs.
constexpr rlim_t kFdHeadroom = 256;

class SessionBase;
class ExchangeImpl;

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

// What the sessions share with the listener: the options, the handler, and the registry of open
// connections. The registry owns the sessions (besides their pending operations), so the listener
// can close what is left at a deadline and none outlives the io_context.
struct Core {
  ListenerOptions options;
  RequestHandler handler;
  std::atomic<uint64_t> requests{0};

  std::mutex mutex;                 // guards everything below
  std::condition_variable changed;  // a session left the registry
  std::map<uint64_t, std::shared_ptr<SessionBase>> sessions;  // by id, so oldest first
  uint64_t next_session = 0;
  bool stopping = false;  // accept nothing new; close each connection after its current answer
  bool stopped = false;   // the threads are joined: nothing may be posted any more

  bool Stopping() {
    std::lock_guard<std::mutex> lock(mutex);
    return stopping;
  }
  // Registers a new connection. At the cap, the oldest idle connection is closed to make room;
  // false (the new one is dropped) when every connection is busy or the listener is stopping.
  bool Admit(const std::shared_ptr<SessionBase>& session);
  void Remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex);
    sessions.erase(id);
    changed.notify_all();
  }
};

// One connection, whatever its stream. Every member function that is not Post* runs on the
// connection's strand.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  explicit SessionBase(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  virtual ~SessionBase() = default;

  virtual void Run() = 0;
  // From any thread: each moves to the strand.
  virtual void PostStop() = 0;   // the listener is stopping: close now if no request has begun
  virtual void PostClose() = 0;  // close now (eviction, shutdown deadline)
  virtual void PostReadBody(std::shared_ptr<ExchangeImpl> exchange, std::function<void()> then) = 0;
  virtual void PostReply(std::shared_ptr<ExchangeImpl> exchange, HttpReply response) = 0;

  // No request begun or only part of a header received: may be closed to make room.
  bool idle() const { return idle_.load(); }
  uint64_t id = 0;  // set by Core::Admit

 protected:
  std::shared_ptr<Core> core_;
  std::atomic<bool> idle_{true};
};

bool Core::Admit(const std::shared_ptr<SessionBase>& session) {
  std::lock_guard<std::mutex> lock(mutex);
  if (stopping) return false;
  if (sessions.size() >= static_cast<size_t>(options.max_connections)) {
    auto victim = sessions.begin();
    while (victim != sessions.end() && !victim->second->idle()) ++victim;
    if (victim == sessions.end()) return false;
    victim->second->PostClose();
    sessions.erase(victim);
  }
  session->id = ++next_session;
  sessions.emplace(session->id, session);
  return true;
}

class ExchangeImpl : public HttpExchange, public std::enable_shared_from_this<ExchangeImpl> {
 public:
  ExchangeImpl(std::weak_ptr<SessionBase> session, std::shared_ptr<Core> core, HttpRequest request)
      : session_(std::move(session)), core_(std::move(core)), request_(std::move(request)),
        id_(std::to_string(++core_->requests)),
        trace_(TraceContext::FromHeaders(request_.Header("traceparent"), request_.Header("X-Request-Id"))),
        start_(Clock::now()) {}

  const HttpRequest& request() const override { return request_; }
  const std::string& id() const override { return id_; }
  const TraceContext& trace() const override { return trace_; }
  void ReadBody(std::function<void()> then) override {
    std::lock_guard<std::mutex> lock(core_->mutex);
    if (core_->stopped) return;
    if (auto session = session_.lock()) session->PostReadBody(shared_from_this(), std::move(then));
  }
  void Reply(HttpReply response) override {
    // Under the mutex, so the session is never released on this thread after the listener has
    // stopped (its socket must not outlive the io_context).
    std::lock_guard<std::mutex> lock(core_->mutex);
    if (core_->stopped) return;
    if (auto session = session_.lock()) session->PostReply(shared_from_this(), std::move(response));
  }

  // The session's side (on its strand).
  HttpRequest& mutable_request() { return request_; }
  Clock::time_point start() const { return start_; }
  bool replied = false;

 private:
  std::weak_ptr<SessionBase> session_;
  std::shared_ptr<Core> core_;
  HttpRequest request_;
  std::string id_;
  TraceContext trace_;
  Clock::time_point start_;
};

using SslStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Session : public SessionBase {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, SslStream>;

  template <class... Args>
  Session(std::shared_ptr<Core> core, Args&&... args)
      : SessionBase(std::move(core)),
        stream_(std::forward<Args>(args)...),
        buffer_(core_->options.max_header_bytes + kChunk),
        chunk_(kChunk) {}

  void Run() override {
    net::dispatch(stream_.get_executor(), [self = Self()] { self->Start(); });
  }
  void PostStop() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (self->state_ == State::kWaiting && !self->RequestBegun()) self->Close();
    });
  }
  void PostClose() override {
    net::post(stream_.get_executor(), [self = Self()] { self->Close(); });
  }
  void PostReadBody(std::shared_ptr<ExchangeImpl> exchange, std::function<void()> then) override {
    net::post(stream_.get_executor(), [self = Self(), exchange = std::move(exchange), then = std::move(then)]() mutable {
      self->ReadBody(exchange, std::move(then));
    });
  }
  void PostReply(std::shared_ptr<ExchangeImpl> exchange, HttpReply response) override {
    net::post(stream_.get_executor(), [self = Self(), exchange = std::move(exchange), response = std::move(response)]() mutable {
      self->Reply(exchange, std::move(response));
    });
  }

 private:
  enum class State { kWaiting, kHeader, kBody, kHandling, kWriting, kClosing };

  // Bytes of a request have arrived (buffered here or still in the socket): it is in flight.
  bool RequestBegun() {
    beast::error_code ec;
    return buffer_.size() > 0 || Lowest().socket().available(ec) > 0;
  }

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  // The connecting socket's address (an IPv4-mapped IPv6 address as IPv4); empty once it is gone.
  std::string PeerAddress() {
    beast::error_code ec;
    net::ip::address address = Lowest().socket().remote_endpoint(ec).address();
    if (ec) return {};
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
    }
    return address.to_string();
  }
  const ListenerOptions& options() const { return core_->options; }

  void Start() {
    peer_ = PeerAddress();
    header_deadline_ = Clock::now() + options().header_timeout;
    if constexpr (kTls) {
      Lowest().expires_at(header_deadline_);
      stream_.async_handshake(ssl::stream_base::server, [self = Self()](beast::error_code ec) {
        if (ec) return self->Close();
        self->WaitForRequest(/*first=*/true);
      });
    } else {
      WaitForRequest(/*first=*/true);
    }
  }

  // Waits for a request's first byte: within the header timeout on a new connection, within the
  // idle timeout on a kept-alive one. A pipelined request already buffered is read at once.
  void WaitForRequest(bool first) {
    state_ = State::kWaiting;
    idle_ = true;
    if (closed_) return;
    if (core_->Stopping() && !RequestBegun()) return Close();
    if (buffer_.size() > 0) {
      header_deadline_ = Clock::now() + options().header_timeout;
      return ReadHeader();
    }
    if (first) {
      Lowest().expires_at(header_deadline_);
    } else {
      Lowest().expires_after(options().idle_timeout);
    }
    stream_.async_read_some(buffer_.prepare(kChunk), [self = Self(), first](beast::error_code ec, size_t n) {
      if (ec) return self->Close();
      self->buffer_.commit(n);
      if (!first) self->header_deadline_ = Clock::now() + self->options().header_timeout;
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    state_ = State::kHeader;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options().max_header_bytes));
    // Counted by ReadBody, after the route has authenticated. Not boost::none: Beast 1.74 compares
    // Content-Length with the optional and takes none for 0.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    Lowest().expires_at(header_deadline_);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = Self()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    idle_ = false;
    if (ec == http::error::need_buffer) ec = {};  // body bytes came with the header: read by ReadBody
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return SendError(431, ResourceExhaustedError("(headers): larger than service.maxHeaderBytes (" +
                                                   std::to_string(options().max_header_bytes) + " bytes)"));
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        (ec && ec.category() != http::make_error_code(http::error::bad_target).category())) {
      return Close();  // gone, timed out, or closed by us
    }
    if (ec) return SendError(400, InvalidArgumentError("(request): not a valid HTTP/1.1 request (" + ec.message() + ")"));

    state_ = State::kHandling;
    const auto& message = parser_->get();
    keep_alive_ = message.keep_alive();
    HttpRequest request;
    request.method = std::string(View(message.method_string()));
    const RequestTarget target = SplitTarget(View(message.target()));
    request.path = std::string(target.path);
    request.peer_address = peer_;
    for (const auto& field : message) {
      request.headers.push_back({std::string(View(field.name_string())), std::string(View(field.value()))});
    }
    current_ = std::make_shared<ExchangeImpl>(weak_from_this(), core_, std::move(request));
    Result<std::map<std::string, std::string>> query = DecodeQuery(target.query);
    if (!query.ok()) return SendError(400, query.status());
    current_->mutable_request().query = std::move(query).value();
    std::shared_ptr<ExchangeImpl> exchange = current_;
    try {
      core_->handler(exchange);
    } catch (...) {
      SendError(500, InternalError("unexpected exception"));
    }
  }

  void ReadBody(const std::shared_ptr<ExchangeImpl>& exchange, std::function<void()> then) {
    if (exchange != current_ || exchange->replied || closed_ || state_ != State::kHandling) return;
    const boost::optional<uint64_t> length = parser_->content_length();
    if (length && *length > options().max_body_bytes) return SendTooLarge();
    state_ = State::kBody;
    body_then_ = std::move(then);
    if (length) exchange->mutable_request().body.reserve(static_cast<size_t>(*length));
    if (!beast::iequals(parser_->get()[http::field::expect], "100-continue")) return ReadBodyChunk();
    continue_.emplace(http::status::continue_, parser_->get().version());
    Lowest().expires_after(options().body_timeout);
    http::async_write(stream_, *continue_, [self = Self()](beast::error_code ec, size_t) {
      self->continue_.reset();
      if (ec) return self->Close();
      self->ReadBodyChunk();
    });
  }

  void ReadBodyChunk() {
    if (parser_->is_done()) {
      state_ = State::kHandling;
      std::function<void()> then = std::move(body_then_);
      if (deferred_) return Reply(current_, *std::exchange(deferred_, std::nullopt));
      try {
        then();
      } catch (...) {
        SendError(500, InternalError("unexpected exception"));
      }
      return;
    }
    parser_->get().body().data = chunk_.data();
    parser_->get().body().size = chunk_.size();
    Lowest().expires_after(options().body_timeout);
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = Self()](beast::error_code ec, size_t) { self->OnBodyChunk(ec); });
  }

  void OnBodyChunk(beast::error_code ec) {
    if (ec == http::error::need_buffer) ec = {};
    const size_t got = chunk_.size() - parser_->get().body().size;
    std::string& body = current_->mutable_request().body;
    if (body.size() + got > options().max_body_bytes) return SendTooLarge();
    body.append(chunk_.data(), got);
    if (deferred_ && !ec) {
      state_ = State::kHandling;
      return Reply(current_, *std::exchange(deferred_, std::nullopt));
    }
    if (ec == beast::error::timeout) {
      return SendError(408, InvalidArgumentError("(body): not received within service.bodyTimeoutMs"));
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        (ec && ec.category() != http::make_error_code(http::error::bad_target).category())) {
      return Close();
    }
    if (ec) return SendError(400, InvalidArgumentError("(body): malformed (" + ec.message() + ")"));
    ReadBodyChunk();
  }

  void SendTooLarge() {
    SendError(413, ResourceExhaustedError("(body): larger than service.maxBodyBytes (" +
                                         std::to_string(options().max_body_bytes) + " bytes)"));
  }

  // An answer from the listener itself: the connection closes after it.
  void SendError(int status, const Status& error) {
    state_ = State::kHandling;
    if (!current_) {
      HttpRequest request;
      request.method = "-";
      request.path = "-";
      current_ = std::make_shared<ExchangeImpl>(weak_from_this(), core_, std::move(request));
    }
    keep_alive_ = false;
    HttpReply response;
    response.status = status;
    response.content_type = kOperationOutcomeType;
    response.body = ToHttpError(error, current_->id()).body;
    Reply(current_, std::move(response));
  }

  void Reply(const std::shared_ptr<ExchangeImpl>& exchange, HttpReply response) {
    if (exchange != current_ || exchange->replied || closed_) return;
    if (state_ == State::kBody) {  // a route answered while its body is still coming: after the read
      deferred_ = std::move(response);
      return;
    }
    exchange->replied = true;
    state_ = State::kWriting;
    idle_ = false;
    const bool body_read = parser_ && parser_->is_done();
    const bool keep = keep_alive_ && body_read && !core_->Stopping();
    response_.emplace();
    response_->version(parser_ ? parser_->get().version() : 11);
    response_->result(static_cast<unsigned>(response.status));
    response_->set(http::field::content_type, response.content_type);
    for (const HttpHeader& h : response.headers) response_->insert(h.name, h.value);
    // The trace echoed (W3C Trace Context Level 2's traceresponse), so a caller can find our log lines.
    const TraceContext& trace = exchange->trace();
    response_->set("X-Request-Id", trace.request_id);
    response_->set("traceresponse", trace.Traceparent());
    response_->body() = std::move(response.body);
    response_->keep_alive(keep);
    response_->prepare_payload();
    Lowest().expires_after(options().body_timeout);
    http::async_write(stream_, *response_, [self = Self(), keep, status = response.status](beast::error_code ec, size_t) {
      self->OnWritten(ec, keep, status);
    });
  }

  void OnWritten(beast::error_code ec, bool keep, int status) {
    const HttpRequest& request = current_->request();
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - current_->start());
    if (options().on_answered) options().on_answered(request, status, elapsed);
    // Codes, ids and paths only: never bodies, queries, tokens or patient identifiers. A path
    // outside every route class ("/Patient/<fødselsnummer>" sent to the wrong server) is not
    // written: its route class ("other") is.
    const std::string micros = std::to_string(elapsed.count());
    const TraceContext& trace = current_->trace();
    const size_t route = RequestMetrics::RouteClass(request.path);
    const std::string_view route_name = RequestMetrics::kRouteClasses[route];
    const bool known = route_name != "other" || request.path == "-";  // "-": the listener's own answer
    const std::string path = known ? request.path : "(" + std::string(route_name) + ")";
    Log(status >= 500 ? LogLevel::kError : LogLevel::kInfo, "http.request",
        "request " + current_->id() + " " + request.method + " " + path + " " + std::to_string(status) + " " +
            micros + "us",
        trace.trace_id,
        {{"request", current_->id()}, {"requestId", trace.request_id}, {"method", request.method},
         {"path", path}, {"route", route_name}, {"status", std::to_string(status)}, {"micros", micros}});
    current_.reset();
    response_.reset();
    if (ec) return Close();
    if (!keep) return LingerClose();
    parser_.reset();
    WaitForRequest(/*first=*/false);
  }

  // Ends the connection after a last answer: no more sending, then what the client still sends
  // is dropped until it closes or kLinger has passed.
  void LingerClose() {
    state_ = State::kClosing;
    idle_ = false;
    Lowest().expires_after(kLinger);
    if constexpr (kTls) {
      stream_.async_shutdown([self = Self()](beast::error_code) { self->Close(); });
    } else {
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Discard();
    }
  }

  void Discard() {
    Lowest().async_read_some(net::buffer(chunk_), [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->Discard();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    state_ = State::kClosing;
    idle_ = false;
    Lowest().close();
    core_->Remove(id);
  }

  Stream stream_;
  beast::flat_buffer buffer_;  // bounded: a header plus one read
  std::vector<char> chunk_;
  std::optional<http::request_parser<http::buffer_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  std::optional<HttpReply> deferred_;
  std::shared_ptr<ExchangeImpl> current_;
  std::function<void()> body_then_;
  Clock::time_point header_deadline_;
  std::string peer_;  // PeerAddress(), once per connection
  State state_ = State::kWaiting;
  bool keep_alive_ = false;
  bool closed_ = false;
};

// Raises the soft open-file limit to the hard one and returns how many connections fit below
// it with kFdHeadroom to spare.
int ConnectionsThatFit(int wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return wanted;
  const rlim_t room = limit.rlim_cur > 2 * kFdHeadroom ? limit.rlim_cur - kFdHeadroom : limit.rlim_cur / 2;
  return static_cast<rlim_t>(wanted) <= room ? wanted : static_cast<int>(room);
}

std::string HostForUrl(const net::ip::address& address) {
  if (address.is_unspecified()) return address.is_v6() ? "[::1]" : "127.0.0.1";
  return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

}  // namespace

class Listener::Impl {
 public:
  explicit Impl(const ListenerOptions& options)
      : core_(std::make_shared<Core>()),
        ioc_(std::max(1, options.threads)),
        acceptor_(net::make_strand(ioc_)),
        retry_(acceptor_.get_executor()) {
    core_->options = options;
  }

  Status Bind() {
    const ListenerOptions& o = core_->options;
    const std::string where = o.bind_address + ":" + std::to_string(o.port);
    if (!o.tls_certificate.empty()) {
      ssl_.emplace(ssl::context::tls_server);
      beast::error_code ec;
      ssl_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                        ec);
      if (!ec) ssl_->use_certificate_chain_file(o.tls_certificate.string(), ec);
      if (!ec) ssl_->use_private_key_file(o.tls_private_key.string(), ssl::context::pem, ec);
      if (ec) return UnavailableError("cannot listen on " + where + ": TLS certificate or key: " + ec.message());
    }
    beast::error_code ec;
    net::ip::address address = net::ip::make_address(o.bind_address, ec);
    if (ec) {
      tcp::resolver resolver(ioc_);
      auto found = resolver.resolve(o.bind_address, "", ec);
      if (ec || found.empty()) return UnavailableError("cannot listen on " + where + ": address not found");
      address = found.begin()->endpoint().address();
    }
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(o.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return UnavailableError("cannot listen on " + where + ": " + ec.message());
    bound_ = acceptor_.local_endpoint(ec);
    const int fit = ConnectionsThatFit(o.max_connections);
    if (fit < o.max_connections) {
      Log(LogLevel::kWarning, "listener.connections_lowered",
          "listener: service.maxConnections lowered from " + std::to_string(o.max_connections) + " to " +
              std::to_string(fit) + " to stay below the open-file limit");
      core_->options.max_connections = fit;
    }
    return OkStatus();
  }

  int port() const { return bound_.port(); }
  std::string url() const {
    return std::string(ssl_ ? "https://" : "http://") + HostForUrl(bound_.address()) + ":" + std::to_string(port());
  }

  void Serve(RequestHandler handler) {
    core_->handler = std::move(handler);
    work_.emplace(net::make_work_guard(ioc_));
    net::post(acceptor_.get_executor(), [this] { Accept(); });
    for (int i = 0; i < core_->options.threads; ++i) threads_.emplace_back([this] { RunThread(); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(core_->mutex);
      if (core_->stopping) return;
      core_->stopping = true;
    }
    if (threads_.empty()) {  // never served
      beast::error_code ignored;
      acceptor_.close(ignored);
      std::lock_guard<std::mutex> lock(core_->mutex);
      core_->stopped = true;
      return;
    }
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      retry_.cancel();
    });
    std::unique_lock<std::mutex> lock(core_->mutex);
    for (auto& [id, session] : core_->sessions) session->PostStop();
    const auto deadline = Clock::now() + core_->options.shutdown_grace;
    core_->changed.wait_until(lock, deadline, [this] { return core_->sessions.empty(); });
    if (!core_->sessions.empty()) {
      Log(LogLevel::kWarning, "listener.closing_busy",
          "listener: " + std::to_string(core_->sessions.size()) +
              " connection(s) still busy after service.shutdownGraceMs; closing them");
      for (auto& [id, session] : core_->sessions) session->PostClose();
      core_->changed.wait_for(lock, std::chrono::seconds(1), [this] { return core_->sessions.empty(); });
    }
    lock.unlock();
    work_.reset();
    ioc_.stop();
    for (std::thread& t : threads_) t.join();
    lock.lock();
    core_->stopped = true;
    auto sessions = std::move(core_->sessions);
    core_->sessions.clear();
    lock.unlock();
    sessions.clear();
    core_->handler = nullptr;
  }

 private:
  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      if (ec) {  // out of file descriptors, for one: try again shortly rather than spin
        Log(LogLevel::kError, "listener.accept_failed", "listener: accept failed: " + ec.message());
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([this](beast::error_code wait) {
          if (!wait) Accept();
        });
        return;
      }
      std::shared_ptr<SessionBase> session;
      if (ssl_) {
        session = std::make_shared<Session<SslStream>>(core_, std::move(socket), *ssl_);
      } else {
        session = std::make_shared<Session<beast::tcp_stream>>(core_, std::move(socket));
      }
      if (core_->Admit(session)) session->Run();
      Accept();
    });
  }

  // Every listener thread: an exception that escapes a handler is logged and the thread goes on.
  void RunThread() {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        Log(LogLevel::kError, "listener.exception", std::string("listener: unexpected exception on a listener thread: ") + e.what());
      } catch (...) {
        Log(LogLevel::kError, "listener.exception", "listener: unexpected exception on a listener thread");
      }
    }
  }

  std::shared_ptr<Core> core_;
  std::optional<ssl::context> ssl_;  // before ioc_: handlers still queued there may hold TLS streams
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  tcp::endpoint bound_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

Listener::Listener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Listener::~Listener() { Stop(); }

Result<std::unique_ptr<Listener>> Listener::Bind(const ListenerOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  SELVHJELP_RETURN_IF_ERROR(impl->Bind());
  return std::unique_ptr<Listener>(new Listener(std::move(impl)));
}

int Listener::port() const { return impl_->port(); }
std::string Listener::url() const { return impl_->url(); }
void Listener::Serve(RequestHandler handler) { impl_->Serve(std::move(handler)); }
void Listener::Stop() { impl_->Stop(); }

}  // namespace selvhjelp::plugin
