#pragma once
// IpRange: one IPv4 or IPv6 address range as an operator writes it ("10.0.0.0/8", "192.0.2.7",
// "2001:db8::/32"), e.g. the reverse proxies trusted to set X-Forwarded-* (service.trustedProxies).
// IPv4 ranges also match IPv4-mapped IPv6 addresses ("::ffff:10.1.2.3"). Immutable; thread-safe.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "fhir/base/result.h"

namespace selvhjelp::config {

class IpRange {
 public:
  // An address alone is a range of one. InvalidArgument saying what is wrong (not an address, a
  // prefix length out of range, bits set after the prefix) without quoting the text.
  [[nodiscard]] static Result<IpRange> Parse(std::string_view text);

  // True when `address` (an IP address in text, as a socket reports it) is in the range; false
  // for anything that is not an address.
  bool Contains(std::string_view address) const;

 private:
  IpRange() = default;
  std::array<uint8_t, 16> network_{};  // IPv4 as IPv4-mapped IPv6
  int prefix_bits_ = 128;
};

}  // namespace selvhjelp::config
