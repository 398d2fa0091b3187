#pragma once
// SourceConfirmations: when each group source last confirmed its content — a successful read (a
// 304 included), or, after a restart, the time its snapshot was saved — and whether that is
// longer ago than the stale age (groups.staleAfterSeconds). A group carries its source's
// confirmation: FHIR meta.lastUpdated and the listing-stale extension, the app's `stale` flag.
// Thread-safe; cheap to ask (a few sources).
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

struct Confirmation {
  int64_t at = 0;      // seconds since the epoch; 0: never confirmed
  bool stale = false;  // `at` is older than the stale age (never when the age is 0, or at is 0)
};

class SourceConfirmations {
 public:
  // `stale_after_seconds` 0: nothing is ever stale. `clock` gives seconds since the epoch.
  SourceConfirmations(int64_t stale_after_seconds, std::function<int64_t()> clock);

  // Source `source` confirmed its content at `at` (a later time only moves it forward).
  void Confirm(const std::string& source, int64_t at);
  Confirmation Of(std::string_view source) const;
  // The sources stale now.
  std::set<std::string> StaleSources() const;

 private:
  bool StaleAt(int64_t at, int64_t now) const;

  const int64_t stale_after_seconds_;
  const std::function<int64_t()> clock_;
  mutable std::mutex mutex_;  // guards at_
  std::map<std::string, int64_t, std::less<>> at_;
};

}  // namespace selvhjelp::plugin
