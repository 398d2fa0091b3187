#pragma once
// AppSessions: the clinician app's server-side sessions (the backend-for-frontend's half). The
// browser holds only an opaque session id in an HttpOnly cookie; the EHR's tokens and the launch
// context stay on the server, in a SessionBackend (session_backend.h): this process's memory with
// the SQLite store, the shared PostgreSQL store (encrypted) with store.url. Each session has its
// own CSRF token, which every state-changing call must echo in a header. Sessions end at the EHR
// token's expiry, after `idle_seconds` without use, or after `max_seconds` in all, whichever comes
// first; this is checked on every read, whatever the backend still holds. A read renews the idle
// timer at most once every `renew_seconds` (a minute by default), so that using the app is not a
// database write per request. Bounded in number (the least recently used goes first).
// Thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "plugin/app/session_backend.h"
#include "plugin/app/smart_launch.h"

namespace selvhjelp::plugin {

class AppSessions {
 public:
  using Clock = std::function<int64_t()>;
  using RandomBytes = std::function<std::string(size_t n)>;
  // `backend` must outlive this.
  AppSessions(AppSessionSettings settings, SessionBackend& backend, Clock clock, RandomBytes random_bytes);

  // A new session for a completed launch. Unavailable when the backend cannot keep it.
  Result<std::shared_ptr<const AppSession>> Create(LaunchContext context);
  // The live session with this id, its idle timer renewed (see above). Unauthenticated when there
  // is none (unknown, expired, ended); Unavailable when the backend cannot be read or renewed.
  Result<std::shared_ptr<const AppSession>> Find(std::string_view id);
  // Find, and for a state-changing call: PermissionDenied unless `csrf_header` equals the
  // session's CSRF token (compared in constant time).
  Result<std::shared_ptr<const AppSession>> FindForChange(std::string_view id, std::string_view csrf_header);
  // Ends the session, on every instance sharing the backend. Unavailable as Find.
  Status End(std::string_view id);

 private:
  const AppSessionSettings settings_;
  SessionBackend& backend_;
  const Clock clock_;
  const RandomBytes random_bytes_;
};

// The Set-Cookie value for a session: HttpOnly, SameSite=Lax (Strict would drop the cookie on
// the EHR's top-level redirect back to us), Path=/app/, Max-Age; Secure when `secure` (the
// caller passes ServiceConfig::ServedOverHttps).
// An empty id with max_age 0 clears the cookie.
std::string SessionCookie(std::string_view id, bool secure, int64_t max_age_seconds);

// The session id from a Cookie header ("" when absent).
std::string SessionIdFromCookies(std::string_view cookie_header);

}  // namespace selvhjelp::plugin
