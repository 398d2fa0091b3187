// The metrics registry's parts: fixed-bucket histograms on atomics, the Prometheus text format
// writer (escaping, histogram series), and the request counters by route and status class.
// tests/integration/observability.test.mjs scrapes the real /metrics and checks it with promtool.
#include <boost/test/unit_test.hpp>

#include <limits>
#include <thread>
#include <vector>

#include "plugin/metrics/exposition.h"
#include "plugin/metrics/histogram.h"
#include "plugin/metrics/request_metrics.h"

using namespace selvhjelp::plugin;

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(a_histogram_counts_each_value_in_its_bucket_and_reads_cumulatively) {
  static constexpr std::array<double, 3> kBounds = {1, 5, 10};
  Histogram h(kBounds);
  for (double v : {0.5, 1.0, 3.0, 5.0, 7.0, 11.0, 100.0}) h.Observe(v);
  const Histogram::Snapshot s = h.Read();
  BOOST_TEST(s.buckets == 3u);
  BOOST_TEST(s.cumulative[0] == 2u);  // 0.5 and 1 (le is inclusive)
  BOOST_TEST(s.cumulative[1] == 4u);
  BOOST_TEST(s.cumulative[2] == 5u);
  BOOST_TEST(s.count == 7u);          // +Inf
  BOOST_TEST(s.sum == 127.5);
}

BOOST_AUTO_TEST_CASE(concurrent_observations_are_all_counted) {
  Histogram h(kRequestSecondsBuckets);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 10000; ++i) h.Observe(0.001 * (i % 100));
    });
  }
  for (std::thread& t : threads) t.join();
  BOOST_TEST(h.Read().count == 40000u);
}

BOOST_AUTO_TEST_CASE(exposition_writes_help_type_and_escaped_labels) {
  Exposition out;
  out.Family("x_total", "counter", "Help with a \\ backslash\nand a line feed.");
  out.Sample("x_total", {{"source", "a \"quoted\" \\ name\nnext"}}, 3);
  out.Sample("x_total", {}, 0.25);
  BOOST_TEST(out.text() ==
             "# HELP x_total Help with a \\\\ backslash\\nand a line feed.\n"
             "# TYPE x_total counter\n"
             "x_total{source=\"a \\\"quoted\\\" \\\\ name\\nnext\"} 3\n"
             "x_total 0.25\n");
}

BOOST_AUTO_TEST_CASE(histogram_series_have_buckets_with_le_then_sum_and_count) {
  static constexpr std::array<double, 2> kBounds = {0.5, 2};
  Histogram h(kBounds);
  h.Observe(0.5);
  h.Observe(3);
  Exposition out;
  out.Family("d_seconds", "histogram", "Durations.");
  out.HistogramSamples("d_seconds", {{"service", "s1"}}, h.Read());
  BOOST_TEST(out.text() ==
             "# HELP d_seconds Durations.\n# TYPE d_seconds histogram\n"
             "d_seconds_bucket{service=\"s1\",le=\"0.5\"} 1\n"
             "d_seconds_bucket{service=\"s1\",le=\"2\"} 1\n"
             "d_seconds_bucket{service=\"s1\",le=\"+Inf\"} 2\n"
             "d_seconds_sum{service=\"s1\"} 3.5\n"
             "d_seconds_count{service=\"s1\"} 2\n");
}

BOOST_AUTO_TEST_CASE(sample_values_are_written_as_the_format_reads_them) {
  BOOST_TEST(FormatSampleValue(0) == "0");
  BOOST_TEST(FormatSampleValue(1234567) == "1234567");
  BOOST_TEST(FormatSampleValue(0.1) == "0.1");
  BOOST_TEST(FormatSampleValue(std::numeric_limits<double>::infinity()) == "+Inf");
  BOOST_TEST(FormatSampleValue(-std::numeric_limits<double>::infinity()) == "-Inf");
}

BOOST_AUTO_TEST_CASE(requests_are_classed_by_route) {
  auto route = [](std::string_view path) { return RequestMetrics::kRouteClasses[RequestMetrics::RouteClass(path)]; };
  BOOST_TEST(route("/cds-services") == "cds-hooks");
  BOOST_TEST(route("/cds-services/selvhjelp-patient-view/feedback") == "cds-hooks");
  BOOST_TEST(route("/cds-servicesX") == "other");
  BOOST_TEST(route("/records/abc") == "records");
  BOOST_TEST(route("/fhir/$record-information") == "records");
  BOOST_TEST(route("/fhir/Measure/$evaluate-measure") == "audit");
  BOOST_TEST(route("/directory/groups") == "directory");
  BOOST_TEST(route("/app/api/context") == "app");
  BOOST_TEST(route("/health") == "health");
  BOOST_TEST(route("/livez") == "health");
  BOOST_TEST(route("/readyz") == "health");
  BOOST_TEST(route("/ready") == "other");  // not routed (the probes are /livez and /readyz)
  BOOST_TEST(route("/live") == "other");
  BOOST_TEST(route("/metrics") == "metrics");
  BOOST_TEST(route("/") == "other");
}

BOOST_AUTO_TEST_CASE(request_counts_and_hook_latency_are_written_per_class_and_service) {
  RequestMetrics m({"svc-a", "svc-b"});
  m.Observe("POST", "/cds-services/svc-a", 200, std::chrono::microseconds(3000));
  m.Observe("POST", "/cds-services/svc-a", 200, std::chrono::microseconds(30000));
  m.Observe("POST", "/cds-services/svc-a/feedback", 200, std::chrono::microseconds(1000));  // not a hook call
  m.Observe("POST", "/cds-services/unknown", 404, std::chrono::microseconds(1000));
  m.Observe("GET", "/health", 503, std::chrono::microseconds(1000));
  m.Observe("GET", "/nothing", 999, std::chrono::microseconds(1000));  // not an HTTP status: not counted
  Exposition out;
  m.Write(out);
  const std::string& text = out.text();
  BOOST_TEST(text.find("selvhjelp_http_requests_total{route=\"cds-hooks\",code=\"2xx\"} 3\n") != std::string::npos);
  BOOST_TEST(text.find("selvhjelp_http_requests_total{route=\"cds-hooks\",code=\"4xx\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("selvhjelp_http_requests_total{route=\"health\",code=\"5xx\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("route=\"other\"") == std::string::npos);
  BOOST_TEST(text.find("selvhjelp_hook_duration_seconds_bucket{service=\"svc-a\",le=\"0.005\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("selvhjelp_hook_duration_seconds_count{service=\"svc-a\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("selvhjelp_hook_duration_seconds_count{service=\"svc-b\"} 0\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
