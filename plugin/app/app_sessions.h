#pragma once
// AppSessions: the clinician app's server-side sessions (the backend-for-frontend's half). The
// browser holds only an opaque session id in an HttpOnly cookie; the EHR's tokens and the launch
// context stay here. Each session has its own CSRF token, which every state-changing call must
// echo in a header. Sessions end at the EHR token's expiry, after `idle_seconds` without use, or
// after `max_seconds` in all, whichever comes first. Bounded in number (the oldest goes first).
// In memory: a restart ends every session (the clinician relaunches from the EHR). Thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "plugin/app/smart_launch.h"

namespace selvhjelp::plugin {

struct AppSessionSettings {
  int64_t idle_seconds = 30 * 60;
  int64_t max_seconds = 10 * 3600;
  size_t max_sessions = 10000;
};

struct AppSession {
  std::string id;    // the cookie value: 256 random bits, base64url
  std::string csrf;  // the CSRF token: 256 random bits, base64url, given to the page
  LaunchContext context;
  int64_t created = 0, last_used = 0;
};

class AppSessions {
 public:
  using Clock = std::function<int64_t()>;
  using RandomBytes = std::function<std::string(size_t n)>;
  AppSessions(AppSessionSettings settings, Clock clock, RandomBytes random_bytes);

  // A new session for a completed launch.
  std::shared_ptr<const AppSession> Create(LaunchContext context);
  // The live session with this id, its idle timer renewed. Unauthenticated when there is none
  // (unknown, expired, ended).
  Result<std::shared_ptr<const AppSession>> Find(std::string_view id);
  // Find, and for a state-changing call: PermissionDenied unless `csrf_header` equals the
  // session's CSRF token (compared in constant time).
  Result<std::shared_ptr<const AppSession>> FindForChange(std::string_view id, std::string_view csrf_header);
  void End(std::string_view id);
  size_t size() const;

 private:
  bool Expired(const AppSession& session, int64_t now) const;

  const AppSessionSettings settings_;
  const Clock clock_;
  const RandomBytes random_bytes_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<AppSession>, std::less<>> sessions_;
};

// The Set-Cookie value for a session: HttpOnly, SameSite=Lax (Strict would drop the cookie on
// the EHR's top-level redirect back to us), Path=/app/, Secure when served over TLS, Max-Age.
// An empty id with max_age 0 clears the cookie.
std::string SessionCookie(std::string_view id, bool secure, int64_t max_age_seconds);

// The session id from a Cookie header ("" when absent).
std::string SessionIdFromCookies(std::string_view cookie_header);

}  // namespace selvhjelp::plugin
