#include "plugin/app/session_backend.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace selvhjelp::plugin {
namespace {

class MemorySessionBackend : public SessionBackend {
 public:
  Status Add(const AppSession& session, const AppSessionSettings& settings, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(sessions_, [&](const auto& entry) { return SessionEnded(entry.second, settings, now); });
    while (!sessions_.empty() && sessions_.size() >= settings.max_sessions) {
      auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
        return a.second.last_used < b.second.last_used;
      });
      sessions_.erase(oldest);
    }
    sessions_.insert_or_assign(session.id, session);
    return OkStatus();
  }

  Result<std::optional<AppSession>> Get(std::string_view id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return std::optional<AppSession>();
    return std::optional<AppSession>(it->second);
  }

  Status Touch(std::string_view id, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = sessions_.find(id); it != sessions_.end()) it->second.last_used = std::max(it->second.last_used, now);
    return OkStatus();
  }

  Status Remove(std::string_view id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = sessions_.find(id); it != sessions_.end()) sessions_.erase(it);
    return OkStatus();
  }

  Result<size_t> Count() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return sessions_.size();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, AppSession, std::less<>> sessions_;
};

}  // namespace

bool SessionEnded(const AppSession& session, const AppSessionSettings& settings, int64_t now) {
  return now >= session.context.expires_at || now - session.last_used > settings.idle_seconds ||
         now - session.created > settings.max_seconds;
}

std::unique_ptr<SessionBackend> MakeMemorySessionBackend() { return std::make_unique<MemorySessionBackend>(); }

}  // namespace selvhjelp::plugin
