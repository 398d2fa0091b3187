#pragma once
// Histogram: a Prometheus histogram with fixed bucket bounds, on atomics. Observe() takes no lock
// and allocates nothing, so it may sit on the hook path; a scrape reads the buckets as they are
// (each count is exact; counts read during concurrent observations may be one observation apart).
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace selvhjelp::plugin {

class Histogram {
 public:
  static constexpr size_t kMaxBuckets = 16;

  // `upper_bounds`: ascending, at most kMaxBuckets (more are ignored); +Inf is implicit.
  explicit Histogram(std::span<const double> upper_bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);

  // A consistent-enough copy for one scrape: cumulative counts per bound (as Prometheus wants).
  struct Snapshot {
    size_t buckets = 0;
    std::array<double, kMaxBuckets> upper_bounds{};
    std::array<uint64_t, kMaxBuckets> cumulative{};  // observations <= upper_bounds[i]
    uint64_t count = 0;                              // all observations (the +Inf bucket)
    double sum = 0;
  };
  Snapshot Read() const;

 private:
  size_t buckets_ = 0;
  std::array<double, kMaxBuckets> bounds_{};
  std::array<std::atomic<uint64_t>, kMaxBuckets + 1> counts_{};  // per bucket, not cumulative; last: above all
  std::atomic<double> sum_{0};
};

// Bucket bounds in seconds for request latencies (5 ms .. 10 s).
inline constexpr std::array<double, 11> kRequestSecondsBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                                  0.5,   1.0,  2.5,   5.0,  10.0};

}  // namespace selvhjelp::plugin
