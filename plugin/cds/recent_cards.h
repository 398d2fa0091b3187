#pragma once
// RecentCards: which cards this process showed lately, so that a hook called again for the same
// patient and encounter (every chart open, in some EHRs) does not show the same card again within
// cards.repeatAfterMinutes (CDS Hooks checklist R11). Keyed by hook service, patient (the ledger's
// subject key, never an id), encounter and recipient. Per process: behind a load balancer each
// instance keeps its own. Bounded: the oldest keys go first beyond `capacity`. Thread-safe.
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace selvhjelp::plugin {

class RecentCards {
 public:
  // `window_seconds` 0: nothing is held back.
  explicit RecentCards(int64_t window_seconds, size_t capacity = 100000)
      : window_seconds_(window_seconds), capacity_(capacity) {}

  // True when a card for the key made of `key_parts` was shown less than the window before `now`
  // (seconds since the epoch); otherwise remembers `now` for it (the card is being shown) and
  // returns false. With no window, false at once: the key is not even made (the hook's hot path).
  bool ShownWithin(std::initializer_list<std::string_view> key_parts, int64_t now);

 private:
  const int64_t window_seconds_;
  const size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, int64_t> shown_;  // key -> when its card was last shown
  std::deque<std::pair<std::string, int64_t>> order_;  // (key, when) oldest first, for eviction
};

}  // namespace selvhjelp::plugin
