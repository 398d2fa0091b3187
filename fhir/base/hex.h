#pragma once
// Hexadecimal digits, for the decoders that read them (percent-encoding, UUIDs).

namespace selvhjelp {

// The value (0-15) of hexadecimal digit `c` in either case, or -1 for any other character.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace selvhjelp
