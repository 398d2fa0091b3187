#include "plugin/groups/stable_uuid.h"

#include <openssl/evp.h>

#include <cassert>
#include <cstdint>

#include "fhir/base/hex.h"

namespace selvhjelp::plugin {

std::string Uuid5(std::string_view name_space, std::string_view name) {
  std::string input;
  input.reserve(16 + name.size());
  for (size_t i = 0; i < name_space.size(); ++i) {
    if (name_space[i] == '-') continue;
    assert(i + 1 < name_space.size() && HexDigitValue(name_space[i]) >= 0 && HexDigitValue(name_space[i + 1]) >= 0);
    input.push_back(static_cast<char>(HexDigitValue(name_space[i]) * 16 + HexDigitValue(name_space[i + 1])));
    ++i;
  }
  assert(input.size() == 16);
  input.append(name);
  // Fetched once: OpenSSL 3 otherwise looks the algorithm up on every call.
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, sha1, nullptr);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0F) | 0x50);  // version 5
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3F) | 0x80);  // RFC variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0F]);
  }
  return out;
}

}  // namespace selvhjelp::plugin
