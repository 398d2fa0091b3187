#pragma once
// FHIR's base64Binary: standard Base64 with padding (RFC 4648 §4), as Attachment.data and
// Binary.data carry it.
#include <optional>
#include <string>
#include <string_view>

namespace selvhjelp::fhir {

// `bytes` as Base64 with '+', '/' and '=' padding.
std::string Base64Encode(std::string_view bytes);

// The bytes of standard, padded Base64 (Base64Encode's form): std::nullopt for any character
// outside the alphabet (whitespace included), a length that is not a multiple of 4, padding
// anywhere but at the end, or non-zero bits after the last byte (so each value has one encoding).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace selvhjelp::fhir
