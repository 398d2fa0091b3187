#include "fhir/json/utf8.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace selvhjelp::fhir {
namespace {

bool In(unsigned char c, unsigned char low, unsigned char high) { return c >= low && c <= high; }

// The length of the well-formed sequence at p (1 to 4 bytes), or 0 when it is ill-formed; then
// `*bad` is the length of its maximal ill-formed subpart (at least 1), to be replaced as one.
size_t SequenceAt(const unsigned char* p, const unsigned char* end, size_t* bad) {
  const unsigned char c = *p;
  *bad = 1;
  if (c < 0x80) return 1;
  size_t tail;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (In(c, 0xC2, 0xDF)) tail = 1;
  else if (c == 0xE0) tail = 2, low = 0xA0;
  else if (c == 0xED) tail = 2, high = 0x9F;
  else if (In(c, 0xE1, 0xEF)) tail = 2;
  else if (c == 0xF0) tail = 3, low = 0x90;
  else if (c == 0xF4) tail = 3, high = 0x8F;
  else if (In(c, 0xF1, 0xF3)) tail = 3;
  else return 0;
  for (size_t i = 1; i <= tail; ++i) {
    if (p + i == end || !In(p[i], i == 1 ? low : 0x80, i == 1 ? high : 0xBF)) {
      *bad = i;
      return 0;
    }
  }
  return tail + 1;
}

}  // namespace

bool IsUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p != end) {
#if defined(__SSE2__)
    if (end - p >= 16) {  // ASCII, sixteen bytes at a time (a request's text is mostly ASCII)
      const int high = _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
      if (high == 0) {
        p += 16;
        continue;
      }
      p += __builtin_ctz(static_cast<unsigned>(high));  // to the first byte that is not ASCII
    }
#endif
    if (end - p >= 8) {  // ASCII, eight bytes at a time
      uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    size_t bad;
    const size_t n = SequenceAt(p, end, &bad);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

std::string ToUtf8Lossy(std::string_view text) {
  if (IsUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* p = begin;
  const auto* end = p + text.size();
  while (p != end) {
    size_t bad;
    const size_t n = SequenceAt(p, end, &bad);
    if (n > 0) {
      out.append(text.substr(static_cast<size_t>(p - begin), n));
      p += n;
    } else {
      out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      p += bad;
    }
  }
  return out;
}

}  // namespace selvhjelp::fhir
