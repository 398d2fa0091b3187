#pragma once
// The bytes a JSON string cannot hold as they are: '"', '\\' and the control characters below
// 0x20. One test, 16 bytes at a time, for the SSE2 scans of the answer's writer
// (json_stream_writer.cc: what to escape) and of the request's in-place reader (parsed_json.cc:
// where a string's plain run ends).
#if defined(__SSE2__)
#include <emmintrin.h>

namespace selvhjelp::fhir::internal {

// Bit i is set when byte i of `block` is one of those bytes.
inline unsigned JsonStringStops(__m128i block) {
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), below_space = _mm_set1_epi8(0x1F);
  // c < 0x20 <=> max(c, 0x1F) == 0x1F, unsigned
  const __m128i stops = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)),
                                     _mm_cmpeq_epi8(_mm_max_epu8(block, below_space), below_space));
  return static_cast<unsigned>(_mm_movemask_epi8(stops));
}

}  // namespace selvhjelp::fhir::internal
#endif
