#include "plugin/http/jwks_refresher.h"

#include <cpprest/http_client.h>

#include "fhir/json/json_reader.h"

namespace selvhjelp::plugin {

namespace http = web::http;

JwksRefresher::JwksRefresher(JwksKeySink& verifier, std::filesystem::path ca_file,
                             std::chrono::seconds interval)
    : verifier_(verifier), ca_file_(std::move(ca_file)), interval_(interval) {}

JwksRefresher::~JwksRefresher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string JwksRefresher::RefreshAll() {
  std::string problems;
  for (const auto& [iss, url] : verifier_.AllowedJku()) {
    std::string problem;
    try {
      http::client::http_client_config config;
      config.set_timeout(std::chrono::seconds(5));
      std::string ca = ca_file_.string();
      config.set_ssl_context_callback([ca](boost::asio::ssl::context& ctx) {
        ctx.set_default_verify_paths();
        if (!ca.empty()) ctx.load_verify_file(ca);
      });
      http::client::http_client client(utility::conversions::to_string_t(url), config);
      // This thread is ours, not a listener thread: waiting here blocks no request.
      http::http_response response = client.request(http::methods::GET).get();
      std::string body = response.extract_utf8string(true).get();
      Result<fhir::JsonValue> json = fhir::ParseJson(body);
      auto keys = json.ok() ? ParseJwks(*json) : Result<std::vector<std::shared_ptr<JwsKey>>>(json.status());
      if (response.status_code() != 200) {
        problem = "HTTP " + std::to_string(response.status_code());
      } else if (!keys.ok()) {
        problem = keys.status().message();
      } else {
        verifier_.SetJkuKeys(iss, url, std::move(keys).value());
      }
    } catch (const std::exception& e) {
      problem = e.what();
    }
    if (!problem.empty()) problems += url + ": " + problem + "\n";
  }
  return problems;
}

std::string JwksRefresher::Start() {
  std::string problems = RefreshAll();
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_changed_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      (void)RefreshAll();  // a failing refresh keeps the keys it had
      lock.lock();
    }
  });
  return problems;
}

}  // namespace selvhjelp::plugin
