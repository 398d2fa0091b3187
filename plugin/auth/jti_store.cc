#include "plugin/auth/jti_store.h"

#include <map>
#include <mutex>
#include <string>

namespace selvhjelp::plugin {

namespace {

class MemoryJtiStore : public JtiStore {
 public:
  Result<bool> Claim(std::string_view iss, std::string_view jti, int64_t expires_at, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (now >= next_purge_) {
      std::erase_if(used_, [now](const auto& entry) { return entry.second < now; });
      next_purge_ = now + 60;
    }
    std::string key = std::string(iss) + " " + std::string(jti);
    auto [it, added] = used_.emplace(std::move(key), expires_at);
    if (added) return true;
    if (it->second >= now) return false;
    it->second = expires_at;  // the earlier use has expired
    return true;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int64_t> used_;  // "iss jti" -> expiry (seconds)
  int64_t next_purge_ = 0;
};

}  // namespace

std::unique_ptr<JtiStore> MakeMemoryJtiStore() { return std::make_unique<MemoryJtiStore>(); }

}  // namespace selvhjelp::plugin
