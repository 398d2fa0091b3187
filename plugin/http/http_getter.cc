#include "plugin/http/http_getter.h"

#include <cpprest/http_client.h>

namespace selvhjelp::plugin {

namespace http = web::http;

HttpGet MakeHttpGetter(const std::filesystem::path& ca_file) {
  const std::string ca = ca_file.string();
  return [ca](const std::string& url, const std::map<std::string, std::string>& headers) -> Result<HttpGetResponse> {
    try {
      http::client::http_client_config config;
      config.set_timeout(std::chrono::seconds(30));
      config.set_ssl_context_callback([ca](boost::asio::ssl::context& ctx) {
        ctx.set_default_verify_paths();
        if (!ca.empty()) ctx.load_verify_file(ca);
      });
      http::client::http_client client(utility::conversions::to_string_t(url), config);
      http::http_request request(http::methods::GET);
      for (const auto& [name, value] : headers) {
        request.headers().add(utility::conversions::to_string_t(name), utility::conversions::to_string_t(value));
      }
      // A blocking wait: the caller is the refresher or the command line, never a handler.
      http::http_response response = client.request(request).get();
      HttpGetResponse out;
      out.status = response.status_code();
      out.body = response.extract_utf8string(true).get();
      auto header = [&response](const char* name) {
        auto it = response.headers().find(utility::conversions::to_string_t(name));
        return it == response.headers().end() ? std::string() : utility::conversions::to_utf8string(it->second);
      };
      out.etag = header("ETag");
      out.last_modified = header("Last-Modified");
      return out;
    } catch (const http::http_exception& e) {
      if (e.error_code() == std::errc::timed_out) return DeadlineExceededError(url + ": did not answer in time");
      return UnavailableError(url + ": unreachable");
    } catch (const std::exception&) {
      return UnavailableError(url + ": unreachable");
    }
  };
}

}  // namespace selvhjelp::plugin
