#include "plugin/store/write_health.h"

namespace selvhjelp::plugin {
namespace {

// The index in WriteHealth::kFailureKinds of a failed write's status.
size_t FailureKind(const Status& write) {
  const std::string& m = write.message();
  if (m.find("disk is full") != std::string::npos) return 0;
  if (m.find("read-only") != std::string::npos) return 1;
  if (m.find("I/O error") != std::string::npos) return 2;
  if (m.find("locked") != std::string::npos) return 3;
  // SQLite's file that cannot be opened; PostgreSQL's server that cannot be reached.
  if (m.find("cannot be opened") != std::string::npos || m.find("unreachable") != std::string::npos) return 4;
  return 5;
}

}  // namespace

void WriteHealth::Note(const Status& write) {
  // WriteError's codes: Unavailable (full, read-only, I/O, locked) and Internal (anything else
  // SQLite refused). Others (a conflict found before writing) say nothing about the store.
  const bool failed = write.code() == StatusCode::kUnavailable || write.code() == StatusCode::kInternal;
  if (failed) failures_[FailureKind(write)].fetch_add(1, std::memory_order_relaxed);
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
