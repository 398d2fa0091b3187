#include "config/ip_range.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <optional>

namespace selvhjelp::config {
namespace {

// The 16 bytes of an IPv6 address, or of an IPv4 address mapped into IPv6 (::ffff:a.b.c.d), and
// whether it was written as IPv4.
struct Address {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;
};

std::optional<Address> ParseAddress(std::string_view text) {
  const std::string s(text);
  Address a;
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    a.bytes[10] = a.bytes[11] = 0xff;
    std::memcpy(&a.bytes[12], &v4, 4);
    a.v4 = true;
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(a.bytes.data(), &v6, 16);
    return a;
  }
  return std::nullopt;
}

// `bytes` with every bit after the first `bits` cleared.
std::array<uint8_t, 16> Masked(const std::array<uint8_t, 16>& bytes, int bits) {
  std::array<uint8_t, 16> out{};
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    out[i] = bytes[i] & (bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits)));
  }
  return out;
}

}  // namespace

Result<IpRange> IpRange::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  std::optional<Address> address = ParseAddress(text.substr(0, slash));
  if (!address) return InvalidArgumentError("expected an IP address or a CIDR range (10.0.0.0/8, 2001:db8::/32)");
  IpRange range;
  range.network_ = address->bytes;
  const int max_bits = address->v4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || bits < 0 || bits > max_bits) {
      return InvalidArgumentError("expected a prefix length from 0 to " + std::to_string(max_bits) + " after '/'");
    }
  }
  range.prefix_bits_ = bits + (address->v4 ? 96 : 0);
  if (Masked(range.network_, range.prefix_bits_) != range.network_) return InvalidArgumentError("the address has bits set after the prefix length");
  return range;
}

bool IpRange::Contains(std::string_view address) const {
  std::optional<Address> a = ParseAddress(address);
  return a && Masked(a->bytes, prefix_bits_) == network_;
}

}  // namespace selvhjelp::config
