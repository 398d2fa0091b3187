#include "plugin/http/http_getter.h"

#include <cpprest/http_client.h>

namespace selvhjelp::plugin {

namespace http = web::http;

HttpSend MakeHttpSender(const std::filesystem::path& ca_file, std::chrono::milliseconds timeout) {
  const std::string ca = ca_file.string();
  return [ca, timeout](const HttpRequestSpec& spec) -> Result<HttpResponse> {
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
      http::http_response response = client.request(request).get();
      HttpResponse out;
      out.status = response.status_code();
      out.body = response.extract_utf8string(true).get();
      auto header = [&response](const char* name) {
        auto it = response.headers().find(utility::conversions::to_string_t(name));
        return it == response.headers().end() ? std::string() : utility::conversions::to_utf8string(it->second);
      };
      out.etag = header("ETag");
      out.last_modified = header("Last-Modified");
      out.location = header("Location");
      return out;
    } catch (const http::http_exception& e) {
      if (e.error_code() == std::errc::timed_out) return DeadlineExceededError(spec.url + ": did not answer in time");
      return UnavailableError(spec.url + ": unreachable");
    } catch (const std::exception&) {
      return UnavailableError(spec.url + ": unreachable");
    }
  };
}

}  // namespace selvhjelp::plugin
