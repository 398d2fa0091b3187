#include "plugin/app/app_sessions.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "plugin/auth/base64url.h"

namespace selvhjelp::plugin {

namespace {
constexpr std::string_view kCookieName = "selvhjelp_session";
}  // namespace

AppSessions::AppSessions(AppSessionSettings settings, Clock clock, RandomBytes random_bytes)
    : settings_(settings), clock_(std::move(clock)), random_bytes_(std::move(random_bytes)) {}

bool AppSessions::Expired(const AppSession& session, int64_t now) const {
  return now >= session.context.expires_at || now - session.last_used > settings_.idle_seconds ||
         now - session.created > settings_.max_seconds;
}

std::shared_ptr<const AppSession> AppSessions::Create(LaunchContext context) {
  auto session = std::make_shared<AppSession>();
  session->id = Base64UrlEncode(random_bytes_(32));
  session->csrf = Base64UrlEncode(random_bytes_(32));
  session->context = std::move(context);
  session->created = session->last_used = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t now = clock_();
  std::erase_if(sessions_, [&](const auto& entry) { return Expired(*entry.second, now); });
  while (sessions_.size() >= settings_.max_sessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second->last_used < b.second->last_used;
    });
    sessions_.erase(oldest);
  }
  sessions_.emplace(session->id, session);
  return session;
}

Result<std::shared_ptr<const AppSession>> AppSessions::Find(std::string_view id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return UnauthenticatedError("app: no session (launch the app from the record system)");
  const int64_t now = clock_();
  if (Expired(*it->second, now)) {
    sessions_.erase(it);
    return UnauthenticatedError("app: the session has ended (launch the app again from the record system)");
  }
  // Replace rather than mutate: callers may hold the previous snapshot on other threads.
  auto renewed = std::make_shared<AppSession>(*it->second);
  renewed->last_used = now;
  it->second = renewed;
  return std::shared_ptr<const AppSession>(renewed);
}

Result<std::shared_ptr<const AppSession>> AppSessions::FindForChange(std::string_view id, std::string_view csrf_header) {
  Result<std::shared_ptr<const AppSession>> session = Find(id);
  if (!session.ok()) return session;
  const std::string& expected = (*session)->csrf;
  if (csrf_header.size() != expected.size() || CRYPTO_memcmp(csrf_header.data(), expected.data(), expected.size()) != 0) {
    return PermissionDeniedError("(csrf): the X-CSRF-Token header does not match this session");
  }
  return session;
}

void AppSessions::End(std::string_view id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = sessions_.find(id); it != sessions_.end()) sessions_.erase(it);
}

size_t AppSessions::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

std::string SessionCookie(std::string_view id, bool secure, int64_t max_age_seconds) {
  std::string cookie = std::string(kCookieName) + "=" + std::string(id) + "; Path=/app/; HttpOnly; SameSite=Lax; Max-Age=" +
                       std::to_string(std::max<int64_t>(0, max_age_seconds));
  if (secure) cookie += "; Secure";
  return cookie;
}

std::string SessionIdFromCookies(std::string_view header) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > kCookieName.size() && pair.substr(0, kCookieName.size()) == kCookieName &&
        pair[kCookieName.size()] == '=') {
      return std::string(pair.substr(kCookieName.size() + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace selvhjelp::plugin
