#include "plugin/http/http_getter.h"

#include <cpprest/http_client.h>

#include <vector>

namespace selvhjelp::plugin {

namespace http = web::http;

namespace {

// Reads the body of `response` with a running count, ending the call (through `cancel`) as soon
// as it passes `max_bytes`, so a source that streams without end costs at most that much memory.
Result<std::string> ReadBoundedBody(http::http_response& response, int64_t max_bytes,
                                    pplx::cancellation_token_source& cancel, const std::string& url) {
  const auto too_large = [&] {
    cancel.cancel();
    return ResourceExhaustedError(url + ": answer larger than " + std::to_string(max_bytes) + " bytes");
  };
  if (response.headers().content_length() > static_cast<uint64_t>(max_bytes)) return too_large();
  auto body = response.body().streambuf();
  std::string text;
  std::vector<uint8_t> chunk(64 * 1024);
  for (;;) {
    const size_t n = body.getn(chunk.data(), chunk.size()).get();  // 0 at the end
    if (n == 0) break;
    if (static_cast<int64_t>(text.size() + n) > max_bytes) return too_large();
    text.append(reinterpret_cast<const char*>(chunk.data()), n);
  }
  return text;
}

}  // namespace

HttpSend MakeHttpSender(const std::filesystem::path& ca_file, std::chrono::milliseconds timeout, std::stop_token stop) {
  const std::string ca = ca_file.string();
  return [ca, timeout, stop](const HttpRequestSpec& spec) -> Result<HttpResponse> {
    const auto cancelled = [&spec] { return UnavailableError(spec.url + ": cancelled (the service is stopping)"); };
    if (stop.stop_requested()) return cancelled();
    pplx::cancellation_token_source cancel;
    std::stop_callback on_stop(stop, [&cancel] { cancel.cancel(); });
    try {
      http::client::http_client_config config;
      config.set_timeout(timeout);
      config.set_ssl_context_callback([ca](boost::asio::ssl::context& ctx) {
        ctx.set_default_verify_paths();
        if (!ca.empty()) ctx.load_verify_file(ca);
      });
      http::client::http_client client(utility::conversions::to_string_t(spec.url), config);
      http::http_request request(utility::conversions::to_string_t(spec.method));
      std::string content_type;
      for (const auto& [name, value] : spec.headers) {
        if (name == "Content-Type") {
          content_type = value;
          continue;
        }
        request.headers().add(utility::conversions::to_string_t(name), utility::conversions::to_string_t(value));
      }
      if (!spec.body.empty() || !content_type.empty()) {
        request.set_body(spec.body, content_type.empty() ? "application/octet-stream" : content_type);
      }
      // A blocking wait: the callers are background threads or the command line, never a handler.
      http::http_response response = client.request(request, cancel.get_token()).get();
      HttpResponse out;
      out.status = response.status_code();
      if (spec.max_response_bytes > 0) {
        Result<std::string> body = ReadBoundedBody(response, spec.max_response_bytes, cancel, spec.url);
        if (!body.ok()) return body.status();
        out.body = std::move(body).value();
      } else {
        out.body = response.extract_utf8string(true).get();
      }
      auto header = [&response](const char* name) {
        auto it = response.headers().find(utility::conversions::to_string_t(name));
        return it == response.headers().end() ? std::string() : utility::conversions::to_utf8string(it->second);
      };
      out.etag = header("ETag");
      out.last_modified = header("Last-Modified");
      out.location = header("Location");
      out.dpop_nonce = header("DPoP-Nonce");
      out.www_authenticate = header("WWW-Authenticate");
      return out;
    } catch (const http::http_exception& e) {
      if (stop.stop_requested()) return cancelled();
      if (e.error_code() == std::errc::timed_out) return DeadlineExceededError(spec.url + ": did not answer in time");
      return UnavailableError(spec.url + ": unreachable");
    } catch (const std::exception&) {
      if (stop.stop_requested()) return cancelled();
      return UnavailableError(spec.url + ": unreachable");
    }
  };
}

}  // namespace selvhjelp::plugin
