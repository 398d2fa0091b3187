#include "plugin/metrics/histogram.h"

namespace selvhjelp::plugin {

Histogram::Histogram(std::span<const double> upper_bounds) {
  for (double bound : upper_bounds) {
    if (buckets_ == kMaxBuckets) break;
    bounds_[buckets_++] = bound;
  }
}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < buckets_ && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.buckets = buckets_;
  uint64_t running = 0;
  for (size_t i = 0; i < buckets_; ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.upper_bounds[i] = bounds_[i];
    s.cumulative[i] = running;
  }
  s.count = running + counts_[buckets_].load(std::memory_order_relaxed);
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace selvhjelp::plugin
