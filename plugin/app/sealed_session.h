#pragma once
// A session as a shared store keeps it (plugin/store/pg_app_sessions.h), so that reading the
// store gives neither a way into a session nor the EHR's token:
//   - it is kept under SessionIdHash(id), never under the cookie value itself;
//   - what it holds (CSRF token, the EHR's access token, the launch context, patient included,
//     the creation time and the token's expiry) is sealed with AES-256-GCM (plugin/auth/aes_gcm.h)
//     under store.sessionKey, with the id's hash as associated data: a sealed value moved to
//     another session's row does not open.
// Only the times the store needs to drop ended sessions (created, last used, the token's expiry)
// stay in clear beside it; the sealed ones count when a session is read.
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "plugin/app/session_backend.h"

namespace selvhjelp::plugin {

// Lowercase hex SHA-256 of the cookie value.
std::string SessionIdHash(std::string_view id);

// The CSRF token and launch context of `session`, sealed under `key` (32 bytes) with
// SessionIdHash(session.id) as associated data; base64url. Internal when encryption fails.
[[nodiscard]] Result<std::string> SealSession(const AppSession& session, std::string_view key);

// The session with cookie value `id` from what SealSession gave; `last_used` is the caller's.
// PermissionDenied when it does not open under `key` for `id` (another key, another session's
// value, changed) or is not what SealSession writes.
[[nodiscard]] Result<AppSession> OpenSealedSession(std::string_view sealed, std::string_view id, std::string_view key);

}  // namespace selvhjelp::plugin
