#include "plugin/cds/recent_cards.h"

namespace selvhjelp::plugin {

bool RecentCards::ShownWithin(std::initializer_list<std::string_view> key_parts, int64_t now) {
  if (window_seconds_ <= 0) return false;
  std::string key;
  for (std::string_view part : key_parts) {
    key += part;
    key += '\x1f';  // a separator no id contains
  }
  std::lock_guard<std::mutex> lock(mutex_);
  // Forget what is out of the window, and the oldest beyond the capacity. A key shown again has a
  // newer entry in order_: an older one only erases the key when its time is the key's latest.
  while (!order_.empty() && (order_.front().second <= now - window_seconds_ || order_.size() > capacity_)) {
    auto it = shown_.find(order_.front().first);
    if (it != shown_.end() && it->second == order_.front().second) shown_.erase(it);
    order_.pop_front();
  }
  auto it = shown_.find(key);
  if (it != shown_.end() && now - it->second < window_seconds_) return true;
  shown_[key] = now;
  order_.emplace_back(key, now);
  return false;
}

}  // namespace selvhjelp::plugin
