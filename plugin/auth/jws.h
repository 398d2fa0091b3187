#pragma once
// JWS compact serialisation with ES256, ES384, RS256 and RS384 only (never none, never HMAC).
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "plugin/auth/jwk.h"

namespace selvhjelp::plugin {

// Signs header.payload with `key` (its SigningAlg: ES256, ES384 or RS384); `alg` and `kid` are
// set in the header, and `typ` "JWT" unless the header names another. EC signatures are emitted
// as raw r||s (RFC 7518 §3.4).
[[nodiscard]] Result<std::string> SignJws(const fhir::JsonValue& header,
                                          const fhir::JsonValue& payload, const JwsKey& key);

// True when `signature` (as it appears in the token, already base64url-decoded) is valid for
// `signing_input` under `key` and `alg` ("ES256", "ES384", "RS256" or "RS384"; false when the
// key does not suit the algorithm). An EC signature must be r||s (64 bytes for ES256, 96 for
// ES384); it is converted to DER for OpenSSL here.
bool VerifyJwsSignature(std::string_view alg, std::string_view signing_input,
                        std::string_view signature, const JwsKey& key);

}  // namespace selvhjelp::plugin
