#pragma once
// Where the clinician app's sessions are kept (plugin/app/app_sessions.h decides what they are
// and when they end; a backend only keeps them). Two backends: this process's memory (with the
// SQLite store: one serving process) and the shared PostgreSQL store (plugin/store/pg_app_sessions.h:
// several instances, so a clinician's next request may land on any of them).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "plugin/app/smart_launch.h"

namespace selvhjelp::plugin {

struct AppSessionSettings {
  int64_t idle_seconds = 30 * 60;
  int64_t max_seconds = 10 * 3600;
  size_t max_sessions = 10000;
  // A use renews the idle timer only when the last renewal is at least this old, so that reads
  // are not each a write to a shared store: a session may end up to this much before
  // `idle_seconds` of true idleness.
  int64_t renew_seconds = 60;
};

struct AppSession {
  std::string id;    // the cookie value: 256 random bits, base64url
  std::string csrf;  // the CSRF token: 256 random bits, base64url, given to the page
  LaunchContext context;
  int64_t created = 0, last_used = 0;  // seconds since the epoch; last_used as last renewed
};

// True when `session` has ended at `now`: the EHR's token expired, idle longer than
// settings.idle_seconds, or older than settings.max_seconds.
bool SessionEnded(const AppSession& session, const AppSessionSettings& settings, int64_t now);

// Every method is thread-safe, and answers Unavailable (saying what, never a session's data) when
// the store cannot be reached; nothing is changed then.
class SessionBackend {
 public:
  virtual ~SessionBackend() = default;
  // Keeps `session` (a new id). First drops the sessions that have ended by `now`, then, while
  // settings.max_sessions or more are kept, the least recently used.
  [[nodiscard]] virtual Status Add(const AppSession& session, const AppSessionSettings& settings, int64_t now) = 0;
  // The session with cookie value `id`; nullopt when none is kept under it (or, in a shared store,
  // when what is kept cannot be read with this process's key: another key, or changed).
  [[nodiscard]] virtual Result<std::optional<AppSession>> Get(std::string_view id) = 0;
  // Records a use at `now` (a later last_used only).
  [[nodiscard]] virtual Status Touch(std::string_view id, int64_t now) = 0;
  // Drops the session, if kept.
  [[nodiscard]] virtual Status Remove(std::string_view id) = 0;
  // How many are kept, ended ones not yet dropped included.
  [[nodiscard]] virtual Result<size_t> Count() = 0;
};

// In this process's memory: a restart ends every session.
std::unique_ptr<SessionBackend> MakeMemorySessionBackend();

}  // namespace selvhjelp::plugin
