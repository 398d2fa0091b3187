#pragma once
// The text of GET /metrics (Prometheus text format 0.0.4; docs/observability.md lists every
// family): the outbox by state and the delivery's counters and histograms, the group sources'
// freshness and errors, the store's failed writes, and what `requests` counted (HTTP requests by
// route and status class, hook latency). Figures only: never a patient identifier.
#include <string>

#include "plugin/metrics/request_metrics.h"
#include "plugin/runtime.h"

namespace selvhjelp::plugin {

std::string MetricsPage(Runtime& rt, const RequestMetrics& requests);

}  // namespace selvhjelp::plugin
