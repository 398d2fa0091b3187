#pragma once
// FHIR's base64Binary: standard Base64 with padding (RFC 4648 §4), as Attachment.data and
// Binary.data carry it.
#include <string>
#include <string_view>

namespace selvhjelp::fhir {

// `bytes` as Base64 with '+', '/' and '=' padding.
std::string Base64Encode(std::string_view bytes);

}  // namespace selvhjelp::fhir
