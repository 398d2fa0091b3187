#include "plugin/app/app_sessions.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <optional>

#include "fhir/base/status_macros.h"
#include "plugin/auth/base64url.h"

namespace selvhjelp::plugin {

namespace {
constexpr std::string_view kCookieName = "selvhjelp_session";
}  // namespace

AppSessions::AppSessions(AppSessionSettings settings, SessionBackend& backend, Clock clock, RandomBytes random_bytes)
    : settings_(settings), backend_(backend), clock_(std::move(clock)), random_bytes_(std::move(random_bytes)) {}

Result<std::shared_ptr<const AppSession>> AppSessions::Create(LaunchContext context) {
  auto session = std::make_shared<AppSession>();
  session->id = Base64UrlEncode(random_bytes_(32));
  session->csrf = Base64UrlEncode(random_bytes_(32));
  session->context = std::move(context);
  session->created = session->last_used = clock_();
  SELVHJELP_RETURN_IF_ERROR(backend_.Add(*session, settings_, session->created));
  return std::shared_ptr<const AppSession>(std::move(session));
}

Result<std::shared_ptr<const AppSession>> AppSessions::Find(std::string_view id) {
  if (id.empty()) return UnauthenticatedError("app: no session (launch the app from the record system)");
  SELVHJELP_ASSIGN_OR_RETURN(std::optional<AppSession> kept, backend_.Get(id));
  if (!kept) return UnauthenticatedError("app: no session (launch the app from the record system)");
  const int64_t now = clock_();
  if (SessionEnded(*kept, settings_, now)) {
    (void)backend_.Remove(id);  // else dropped with the ended ones at the next launch
    return UnauthenticatedError("app: the session has ended (launch the app again from the record system)");
  }
  if (now - kept->last_used >= settings_.renew_seconds) {
    SELVHJELP_RETURN_IF_ERROR(backend_.Touch(id, now));
    kept->last_used = now;
  }
  return std::shared_ptr<const AppSession>(std::make_shared<AppSession>(std::move(*kept)));
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

Status AppSessions::End(std::string_view id) { return backend_.Remove(id); }

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
