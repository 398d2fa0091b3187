#include "plugin/store/write_health.h"

namespace selvhjelp::plugin {

void WriteHealth::Note(const Status& write) {
  // WriteError's codes: Unavailable (full, read-only, I/O, locked) and Internal (anything else
  // SQLite refused). Others (a conflict found before writing) say nothing about the store.
  const bool failed = write.code() == StatusCode::kUnavailable || write.code() == StatusCode::kInternal;
  std::lock_guard<std::mutex> lock(mutex_);
  latest_ = failed ? write : OkStatus();
  noted_ = Clock::now();
}

Status WriteHealth::Latest() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return latest_;
}

bool WriteHealth::ProbeDue(Clock::time_point now, Clock::duration ok_age, Clock::duration failed_age) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return now - noted_ >= (latest_.ok() ? ok_age : failed_age);
}

}  // namespace selvhjelp::plugin
