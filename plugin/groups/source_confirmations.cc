#include "plugin/groups/source_confirmations.h"

#include <algorithm>

namespace selvhjelp::plugin {

SourceConfirmations::SourceConfirmations(int64_t stale_after_seconds, std::function<int64_t()> clock)
    : stale_after_seconds_(stale_after_seconds), clock_(std::move(clock)) {}

bool SourceConfirmations::StaleAt(int64_t at, int64_t now) const {
  return stale_after_seconds_ > 0 && at > 0 && now - at > stale_after_seconds_;
}

void SourceConfirmations::Confirm(const std::string& source, int64_t at) {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t& known = at_[source];
  known = std::max(known, at);
}

Confirmation SourceConfirmations::Of(std::string_view source) const {
  Confirmation out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = at_.find(source);
    if (it == at_.end()) return out;
    out.at = it->second;
  }
  out.stale = StaleAt(out.at, clock_());
  return out;
}

std::set<std::string> SourceConfirmations::StaleSources() const {
  const int64_t now = clock_();
  std::set<std::string> stale;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [source, at] : at_) {
    if (StaleAt(at, now)) stale.insert(source);
  }
  return stale;
}

}  // namespace selvhjelp::plugin
