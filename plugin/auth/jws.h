#pragma once
// JWS compact serialisation with ES384 and RS384 only (never none, never HMAC).
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "plugin/auth/jwk.h"

namespace selvhjelp::plugin {

// Signs header.payload with `key` (ES384 for EC keys, RS384 for RSA keys); `alg`, `typ` and
// `kid` are set in the header. ES384 signatures are emitted as raw r||s (RFC 7518 §3.4).
[[nodiscard]] Result<std::string> SignJws(const fhir::JsonValue& header,
                                          const fhir::JsonValue& payload, const JwsKey& key);

// True when `signature` (as it appears in the token, already base64url-decoded) is valid for
// `signing_input` under `key` and `alg` ("ES384" or "RS384"). An ES384 signature must be 96
// bytes of r||s; it is converted to DER for OpenSSL here.
bool VerifyJwsSignature(std::string_view alg, std::string_view signing_input,
                        std::string_view signature, const JwsKey& key);

}  // namespace selvhjelp::plugin
