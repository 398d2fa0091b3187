#pragma once
// RequestMetrics: what the HTTP layer counts for /metrics: requests answered by route class and
// status class, and the latency of each CDS service's hook calls (a histogram per service id).
// Observe() is called for every answer (the listener's on_answered), so it takes no lock and
// allocates nothing: counters are atomics in fixed arrays, the service ids are fixed at start.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/metrics/exposition.h"
#include "plugin/metrics/histogram.h"

namespace selvhjelp::plugin {

class RequestMetrics {
 public:
  // The route classes requests are counted by (label route="..."), in the order written.
  static constexpr std::array<std::string_view, 8> kRouteClasses = {"cds-hooks", "records", "directory", "app",
                                                                    "audit",     "health",  "metrics",   "other"};

  // `hook_ids`: the CDS service ids whose POST /cds-services/{id} calls are timed.
  explicit RequestMetrics(const std::vector<std::string>& hook_ids);

  // One answer sent: `path` as requested (percent-encoded, no query), `status` as sent, `elapsed`
  // from the request's complete header to the answer's last byte.
  void Observe(std::string_view method, std::string_view path, int status, std::chrono::microseconds elapsed);

  // The route class of `path`: an index into kRouteClasses.
  static size_t RouteClass(std::string_view path);

  // selvhjelp_http_requests_total{route,code} and selvhjelp_hook_duration_seconds{service}.
  void Write(Exposition& out) const;

 private:
  struct Hook {
    std::string id;
    std::unique_ptr<Histogram> seconds;
  };
  std::array<std::array<std::atomic<uint64_t>, 5>, kRouteClasses.size()> requests_{};  // [route][status / 100 - 1]
  std::vector<Hook> hooks_;
};

}  // namespace selvhjelp::plugin
