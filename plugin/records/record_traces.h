#pragma once
// RecordTraces: which request committed a record, so the record's delivery (later, on a worker)
// carries that request's trace id to the EHR. Kept in memory, bounded (the oldest links go
// first): a record delivered after a restart, or by another instance over a shared store, is sent
// under a trace of its own, and the log links the two by the record id (the commit's log line
// names the record and its request's trace). Thread-safe.
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "plugin/net/trace_context.h"

namespace selvhjelp::plugin {

class RecordTraces {
 public:
  explicit RecordTraces(size_t capacity = 10000) : capacity_(capacity) {}

  // Record `record_id` was committed by a request of `trace`.
  void Note(const std::string& record_id, const TraceContext& trace);
  // Its trace, while it is remembered.
  std::optional<TraceContext> Find(const std::string& record_id) const;
  // The record is done with (delivered or parked).
  void Forget(const std::string& record_id);

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, TraceContext> traces_;
  std::deque<std::string> order_;  // ids in the order noted (some may be forgotten already)
};

}  // namespace selvhjelp::plugin
