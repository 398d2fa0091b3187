#pragma once
// SHA-256 (OpenSSL): as lowercase hex, or as the raw 32 bytes.
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

std::string Sha256Hex(std::string_view input);
std::string Sha256(std::string_view input);

}  // namespace selvhjelp::plugin
