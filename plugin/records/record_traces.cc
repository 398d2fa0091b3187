#include "plugin/records/record_traces.h"

namespace selvhjelp::plugin {

void RecordTraces::Note(const std::string& record_id, const TraceContext& trace) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!traces_.insert_or_assign(record_id, trace).second) return;  // noted again: keeps its place
  order_.push_back(record_id);
  while (traces_.size() > capacity_ && !order_.empty()) {
    traces_.erase(order_.front());
    order_.pop_front();
  }
  if (order_.size() > 2 * capacity_) {  // mostly forgotten ids: keep the live ones, in order
    std::deque<std::string> live;
    for (std::string& id : order_) {
      if (traces_.count(id)) live.push_back(std::move(id));
    }
    order_ = std::move(live);
  }
}

std::optional<TraceContext> RecordTraces::Find(const std::string& record_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = traces_.find(record_id);
  if (it == traces_.end()) return std::nullopt;
  return it->second;
}

void RecordTraces::Forget(const std::string& record_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  traces_.erase(record_id);
}

}  // namespace selvhjelp::plugin
