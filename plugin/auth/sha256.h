#pragma once
// SHA-256 (OpenSSL) as lowercase hex.
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

std::string Sha256Hex(std::string_view input);

}  // namespace selvhjelp::plugin
