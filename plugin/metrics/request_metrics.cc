#include "plugin/metrics/request_metrics.h"

namespace selvhjelp::plugin {
namespace {

bool Under(std::string_view path, std::string_view prefix) {
  return path.substr(0, prefix.size()) == prefix &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

constexpr std::array<std::string_view, 5> kStatusClasses = {"1xx", "2xx", "3xx", "4xx", "5xx"};
constexpr std::string_view kHookPrefix = "/cds-services/";

}  // namespace

RequestMetrics::RequestMetrics(const std::vector<std::string>& hook_ids) {
  for (const std::string& id : hook_ids) hooks_.push_back({id, std::make_unique<Histogram>(kRequestSecondsBuckets)});
}

size_t RequestMetrics::RouteClass(std::string_view path) {
  if (Under(path, "/cds-services")) return 0;
  if (Under(path, "/records") || path == "/fhir/$record-information") return 1;
  if (Under(path, "/directory")) return 2;
  if (Under(path, "/app")) return 3;
  if (Under(path, "/fhir/Measure")) return 4;
  if (Under(path, "/health") || Under(path, "/livez") || Under(path, "/readyz")) return 5;
  if (path == "/metrics") return 6;
  return 7;
}

void RequestMetrics::Observe(std::string_view method, std::string_view path, int status,
                             std::chrono::microseconds elapsed) {
  const size_t route = RouteClass(path);
  if (status >= 100 && status < 600) requests_[route][static_cast<size_t>(status / 100 - 1)].fetch_add(1, std::memory_order_relaxed);
  if (route != 0 || method != "POST" || path.substr(0, kHookPrefix.size()) != kHookPrefix) return;
  const std::string_view id = path.substr(kHookPrefix.size());
  for (const Hook& hook : hooks_) {
    if (hook.id == id) return hook.seconds->Observe(static_cast<double>(elapsed.count()) / 1e6);
  }
}

void RequestMetrics::Write(Exposition& out) const {
  out.Family("selvhjelp_http_requests_total", "counter", "HTTP requests answered since start, by route class and status class.");
  for (size_t r = 0; r < kRouteClasses.size(); ++r) {
    for (size_t s = 0; s < kStatusClasses.size(); ++s) {
      const uint64_t n = requests_[r][s].load(std::memory_order_relaxed);
      if (n > 0) out.Sample("selvhjelp_http_requests_total", {{"route", kRouteClasses[r]}, {"code", kStatusClasses[s]}}, static_cast<double>(n));
    }
  }
  out.Family("selvhjelp_hook_duration_seconds", "histogram",
             "CDS Hooks calls (POST /cds-services/{id}) from the complete request header to the answer sent, by service id.");
  for (const Hook& hook : hooks_) out.HistogramSamples("selvhjelp_hook_duration_seconds", {{"service", hook.id}}, hook.seconds->Read());
}

}  // namespace selvhjelp::plugin
