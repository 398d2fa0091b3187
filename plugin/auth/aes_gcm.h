#pragma once
// AES-256-GCM (OpenSSL), for secrets this service keeps at rest and only it may read (the app's
// sessions in a shared store: plugin/store/pg_app_sessions.h). Seal encrypts `plaintext` and
// authenticates it together with `associated_data`, which is not stored with it: Open refuses a
// sealed value that was changed, sealed under another key, or sealed with other associated data.
// Sealed form: a random 96-bit nonce || ciphertext || 128-bit tag (random nonces: keep well under
// 2^32 seals per key). Thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

#include "fhir/base/result.h"

namespace selvhjelp::plugin {

inline constexpr size_t kAesGcmKeyBytes = 32;

// InvalidArgument when `key` is not kAesGcmKeyBytes long; Internal when OpenSSL fails (no
// randomness for the nonce).
[[nodiscard]] Result<std::string> AesGcmSeal(std::string_view key, std::string_view plaintext,
                                             std::string_view associated_data);

// The plaintext. PermissionDenied when `sealed` does not authenticate under `key` and
// `associated_data` (changed, truncated, another key, other associated data); InvalidArgument
// when `key` is not kAesGcmKeyBytes long.
[[nodiscard]] Result<std::string> AesGcmOpen(std::string_view key, std::string_view sealed,
                                             std::string_view associated_data);

}  // namespace selvhjelp::plugin
