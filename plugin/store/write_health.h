#pragma once
// WriteHealth: whether the store could write at its latest attempt, for the service's readiness
// (GET /health answers 503 while it cannot). Every write of the ledger and the outbox notes its
// outcome here; a probe write fills the gaps when nothing has been written for a while.
// Thread-safe.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "fhir/base/status.h"

namespace selvhjelp::plugin {

class WriteHealth {
 public:
  using Clock = std::chrono::steady_clock;

  // Notes the outcome of a write: Unavailable or Internal (as WriteError gives) say it failed;
  // anything else counts as the store writing.
  void Note(const Status& write);
  // OK when the latest write succeeded (or none was made yet), else its failure.
  Status Latest() const;
  // Whether a probe is due at `now`: the latest outcome is older than `ok_age` (it succeeded) or
  // `failed_age` (it failed), so a store that filled up while idle is noticed, and one that
  // recovered is noticed soon.
  bool ProbeDue(Clock::time_point now, Clock::duration ok_age, Clock::duration failed_age) const;

  // The kinds failed writes are counted by (for /metrics), from the words of WriteError's
  // messages: "disk_full", "read_only", "io", "locked", "cannot_open", "other".
  static constexpr std::array<std::string_view, 6> kFailureKinds = {"disk_full", "read_only", "io",
                                                                    "locked",    "cannot_open", "other"};
  // Failed writes of kind kFailureKinds[kind] since start.
  int64_t failures(size_t kind) const { return failures_[kind].load(std::memory_order_relaxed); }

 private:
  mutable std::mutex mutex_;
  Status latest_;
  Clock::time_point noted_{};
  std::array<std::atomic<int64_t>, kFailureKinds.size()> failures_{};
};

}  // namespace selvhjelp::plugin
