#pragma once
// Base64url without padding (RFC 4648 §5), as JWS uses it.
#include <optional>
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

std::string Base64UrlEncode(std::string_view bytes);
// nullopt for characters outside the alphabet or an impossible length.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace selvhjelp::plugin
