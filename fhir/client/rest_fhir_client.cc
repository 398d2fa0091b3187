// cpprestsdk implementation of FhirClient. Exceptions from cpprestsdk stop here and become
// Status values (the second exception boundary named in docs/architecture.md).
#include <cpprest/http_client.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "fhir/client/fhir_client.h"
#include "fhir/json/json_reader.h"
#include "fhir/r4/bundle.h"

namespace selvhjelp::fhir {
namespace {

namespace http = web::http;

// "scheme://host:port" of an absolute URL, or empty when it is not one.
std::string AuthorityOf(const web::uri& uri) {
  if (uri.scheme().empty() || uri.host().empty()) return {};
  return uri.scheme() + "://" + uri.host() + ":" + std::to_string(uri.port());
}

class RestFhirClient : public FhirClient {
 public:
  ~RestFhirClient() override {
    cancel_.cancel();
    std::unique_lock<std::mutex> lock(flight_mutex_);
    flight_done_.wait(lock, [this] { return in_flight_ == 0; });
  }

  void Read(const std::string& base_url, const std::string& relative_url,
            const FhirReadOptions& options, Callback done) override {
    std::string base = base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    // Templates may hold characters URIs do not allow as-is (the '|' of token searches).
    std::string url = utility::conversions::to_utf8string(
        web::uri::encode_uri(utility::conversions::to_string_t(base + "/" + relative_url)));
    std::string authority;
    try {
      authority = AuthorityOf(web::uri(utility::conversions::to_string_t(url)));
    } catch (const std::exception&) {
    }
    if (authority.empty()) {
      done(InvalidArgumentError("fhirServer: not an absolute http(s) URL"));
      return;
    }
    auto state = std::make_shared<PagingState>();
    state->authority = authority;
    state->options = options;
    state->done = std::move(done);
    FetchPage(state, url);
  }

 private:
  struct PagingState {
    std::string authority;
    FhirReadOptions options;
    Callback done;
    std::optional<JsonValue> merged;  // the first page, with later pages' entries appended
    int pages = 0;
    int64_t bytes = 0;  // of the bodies read so far
  };

  // Counts a call in flight from its request until its last continuation has run.
  class FlightGuard {
   public:
    explicit FlightGuard(RestFhirClient& client) : client_(client) {
      std::lock_guard<std::mutex> lock(client_.flight_mutex_);
      ++client_.in_flight_;
    }
    ~FlightGuard() {
      std::lock_guard<std::mutex> lock(client_.flight_mutex_);
      if (--client_.in_flight_ == 0) client_.flight_done_.notify_all();
    }
    FlightGuard(const FlightGuard&) = delete;
    FlightGuard& operator=(const FlightGuard&) = delete;

   private:
    RestFhirClient& client_;
  };

  std::shared_ptr<http::client::http_client> ClientFor(const std::string& authority,
                                                       std::chrono::milliseconds timeout) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string key = authority + "#" + std::to_string(timeout.count());
    auto it = clients_.find(key);
    if (it != clients_.end()) return it->second;
    http::client::http_client_config config;
    config.set_timeout(timeout);
    auto client = std::make_shared<http::client::http_client>(
        utility::conversions::to_string_t(authority), config);
    clients_.emplace(key, client);
    return client;
  }

  void FetchPage(std::shared_ptr<PagingState> state, const std::string& url) {
    web::uri uri;
    try {
      uri = web::uri(utility::conversions::to_string_t(url));
    } catch (const std::exception&) {
      state->done(UnavailableError("FHIR server sent an invalid next link"));
      return;
    }
    if (AuthorityOf(uri) != state->authority) {
      // Never send the token to another host; stop paging and keep what we have.
      Finish(state);
      return;
    }
    http::http_request request(http::methods::GET);
    request.set_request_uri(uri.resource());
    request.headers().add(U("Accept"), U("application/fhir+json"));
    for (const auto& [name, value] : state->options.headers) {
      request.headers().add(utility::conversions::to_string_t(name), utility::conversions::to_string_t(value));
    }
    if (!state->options.bearer_token.empty()) {
      request.headers().add(U("Authorization"),
                            utility::conversions::to_string_t("Bearer " + state->options.bearer_token));
    }
    if (cancel_.get_token().is_canceled()) {
      state->done(UnavailableError("FHIR client stopped"));
      return;
    }
    auto client = ClientFor(state->authority, state->options.timeout);
    auto guard = std::make_shared<FlightGuard>(*this);  // released after the last continuation
    const int64_t room = state->options.max_bytes > 0 ? state->options.max_bytes - state->bytes : -1;
    client->request(request, cancel_.get_token())
        .then([room](http::http_response response) {
          if (room >= 0 && response.headers().content_length() > static_cast<utility::size64_t>(room)) {
            throw std::length_error("larger than max_bytes");
          }
          return response.extract_utf8string(true).then([response](std::string body) {
            return std::make_pair(response.status_code(), std::move(body));
          });
        })
        .then([this, state, guard](pplx::task<std::pair<http::status_code, std::string>> task) {
          std::pair<http::status_code, std::string> reply;
          try {
            reply = task.get();  // the task is complete here: this does not block
          } catch (const std::length_error&) {
            state->done(ResourceExhaustedError("FHIR server: answers larger than max_bytes"));
            return;
          } catch (const http::http_exception& e) {
            bool timed_out = e.error_code() == std::errc::timed_out;
            state->done(timed_out ? DeadlineExceededError("FHIR server did not answer in time")
                                  : UnavailableError("FHIR server unreachable"));
            return;
          } catch (const std::exception&) {
            state->done(UnavailableError("FHIR server unreachable"));
            return;
          }
          state->bytes += static_cast<int64_t>(reply.second.size());
          if (state->options.max_bytes > 0 && state->bytes > state->options.max_bytes) {
            state->done(ResourceExhaustedError("FHIR server: answers larger than max_bytes"));
            return;
          }
          OnPage(state, reply.first, reply.second);
        });
  }

  void OnPage(std::shared_ptr<PagingState> state, http::status_code status,
              const std::string& body) {
    if (status == 404 || status == 410) {
      state->done(NotFoundError("FHIR server answered " + std::to_string(status)));
      return;
    }
    if (status == 401 || status == 403) {
      state->done(PermissionDeniedError("FHIR server answered " + std::to_string(status)));
      return;
    }
    if (status < 200 || status >= 300) {
      state->done(UnavailableError("FHIR server answered " + std::to_string(status)));
      return;
    }
    Result<JsonValue> page = ParseJson(body);
    if (!page.ok() || !page->is_object() || !page->FindString("resourceType")) {
      state->done(UnavailableError("FHIR server answered with something that is not FHIR JSON"));
      return;
    }
    std::optional<std::string> next = NextLink(*page);
    if (!state->merged) {
      state->merged = std::move(page).value();
    } else if (const JsonValue* entries = page->Find("entry")) {
      JsonValue* target = state->merged->MutableFind("entry");
      if (target == nullptr) target = &state->merged->Set("entry", JsonValue::Array());
      for (const JsonValue& entry : entries->items()) target->Append(entry);
    }
    ++state->pages;
    if (next && state->pages < state->options.max_pages) {
      FetchPage(state, *next);
      return;
    }
    Finish(state);
  }

  static void Finish(const std::shared_ptr<PagingState>& state) {
    if (!state->merged) {
      state->done(UnavailableError("FHIR server sent no data"));
      return;
    }
    state->merged->Erase("link");  // the merged Bundle has no pages left
    state->done(std::move(*state->merged));
  }

  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<http::client::http_client>> clients_;
  pplx::cancellation_token_source cancel_;  // cancelled by the destructor
  std::mutex flight_mutex_;
  std::condition_variable flight_done_;
  int in_flight_ = 0;  // calls whose continuations have not all run
};

}  // namespace

std::unique_ptr<FhirClient> MakeRestFhirClient() { return std::make_unique<RestFhirClient>(); }

}  // namespace selvhjelp::fhir
