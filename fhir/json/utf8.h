#pragma once
// UTF-8 well-formedness (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing past
// U+10FFFF), which is what JSON text must be: the parsers check it before reading, the log
// repairs what it writes with it.
#include <string>
#include <string_view>

namespace selvhjelp::fhir {

// True when `text` is well-formed UTF-8.
bool IsUtf8(std::string_view text);

// `text` with each maximal ill-formed subsequence replaced by U+FFFD (Unicode's recommended
// practice, section 3.9, as WHATWG's decoder does); well-formed text comes back unchanged.
std::string ToUtf8Lossy(std::string_view text);

}  // namespace selvhjelp::fhir
