#pragma once
// Exposition: writes the Prometheus text format, version 0.0.4 (what GET /metrics serves): each
// family's `# HELP` and `# TYPE` lines, then its samples; label values and help texts escaped as
// the format requires (backslash, double quote and line feed in label values; backslash and line
// feed in help). Callers write a family's samples right after its Family() call and name each
// family once.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "plugin/metrics/histogram.h"

namespace selvhjelp::plugin {

class Exposition {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // `type`: "counter", "gauge" or "histogram".
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, Labels labels, double value);
  // name_bucket{...,le="..."} for every bound and +Inf, then name_sum and name_count.
  void HistogramSamples(std::string_view name, Labels labels, const Histogram::Snapshot& histogram);

  const std::string& text() const { return out_; }

 private:
  void Series(std::string_view name, std::string_view suffix, Labels labels, std::string_view le, double value);
  std::string out_;
};

// A number as the format writes it: the shortest text that reads back as the same double;
// "+Inf", "-Inf" and "NaN" for those.
std::string FormatSampleValue(double value);

}  // namespace selvhjelp::plugin
