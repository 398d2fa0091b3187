#include "plugin/auth/sha256.h"

#include <openssl/evp.h>

namespace selvhjelp::plugin {

std::string Sha256(std::string_view input) {
  // Fetched once: OpenSSL 3 otherwise looks the algorithm up on every call.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, sha256, nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string Sha256Hex(std::string_view input) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string digest = Sha256(input);
  std::string hex;
  hex.reserve(2 * digest.size());
  for (unsigned char c : digest) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0x0F]);
  }
  return hex;
}

}  // namespace selvhjelp::plugin
