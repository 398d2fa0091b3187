#pragma once
// JtiStore: which request tokens (issuer and jti) were already used, kept until they expire, so
// each token is accepted once (CDS Hooks 2.0: "the jti ... MUST NOT be reused"). The verifier
// depends on this interface only; the service uses the SQLite table in plugin/store/jti_table.h
// so that a token used before a restart is still refused after it.
#include <cstdint>
#include <memory>
#include <string_view>

#include "fhir/base/result.h"

namespace selvhjelp::plugin {

class JtiStore {
 public:
  virtual ~JtiStore() = default;
  // Records (iss, jti) as used until `expires_at` (seconds since the epoch). True when it was not
  // in use (never seen, or its earlier use expired before `now`); false for a replay.
  // Unavailable when the use cannot be recorded (the caller then refuses the token).
  // Thread-safe.
  [[nodiscard]] virtual Result<bool> Claim(std::string_view iss, std::string_view jti, int64_t expires_at,
                                           int64_t now) = 0;
};

// Kept in memory only, for tests and the command line. Expired entries are purged as it goes.
std::unique_ptr<JtiStore> MakeMemoryJtiStore();

}  // namespace selvhjelp::plugin
