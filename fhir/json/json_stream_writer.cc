#include "fhir/json/json_stream_writer.h"

#include <charconv>
#include <cstring>

#include "fhir/json/json_string_bytes.h"

namespace selvhjelp::fhir {
namespace {

// What follows a backslash for each byte that needs escaping (0: written as it is), as in
// RapidJSON's writer; 'u' is \u00XX.
constexpr char kEscape[256] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    0,   0,   '"', 0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   '\\', 0,  0,   0,
};

// Keys and strings up to this length that need no escaping are written with one append.
constexpr size_t kShort = 64;

// The length of the prefix of `text` that needs no escaping.
size_t PlainPrefix(std::string_view text) {
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= text.size(); i += 16) {
    const unsigned mask = internal::JsonStringStops(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < text.size() && kEscape[static_cast<unsigned char>(text[i])] == 0) ++i;
  return i;
}

// Appends `text` escaped, its first `plain` bytes known to need no escaping.
void AppendEscaped(std::string& out, std::string_view text, size_t plain) {
  for (;;) {
    out.append(text.data(), plain);
    if (plain == text.size()) break;
    const unsigned char c = static_cast<unsigned char>(text[plain]);
    const char escape[6] = {'\\', kEscape[c], '0', '0', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15]};
    out.append(escape, kEscape[c] == 'u' ? 6 : 2);
    text.remove_prefix(plain + 1);
    plain = PlainPrefix(text);
  }
}

}  // namespace

std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendEscaped(out, text, PlainPrefix(text));
  return out;
}

void JsonStreamWriter::Open(char bracket) {
  Separate();
  out_.push_back(bracket);
  follows_ = false;
}

void JsonStreamWriter::Close(char bracket) {
  out_.push_back(bracket);
  follows_ = true;
}

void JsonStreamWriter::Escaped(std::string_view text) {
  const size_t plain = PlainPrefix(text);
  if (plain == text.size() && plain <= kShort) {  // most keys and many values: one append
    char quoted[kShort + 3];
    size_t n = 0;
    if (follows_) quoted[n++] = ',';
    quoted[n++] = '"';
    std::memcpy(quoted + n, text.data(), plain);
    n += plain;
    quoted[n++] = '"';
    out_.append(quoted, n);
    return;
  }
  Separate();
  out_.push_back('"');
  AppendEscaped(out_, text, plain);
  out_.push_back('"');
}

void JsonStreamWriter::StringPiece(std::string_view text) { AppendEscaped(out_, text, PlainPrefix(text)); }

void JsonStreamWriter::Key(std::string_view key) {
  Escaped(key);
  out_.push_back(':');
  follows_ = false;
}

void JsonStreamWriter::PlainKey(std::string_view key) {
  if (key.size() > kShort) {
    Separate();
    out_.push_back('"');
    out_.append(key);
    out_.append("\":", 2);
  } else {  // one append: [,]"key":
    char quoted[kShort + 4];
    size_t n = 0;
    if (follows_) quoted[n++] = ',';
    quoted[n++] = '"';
    std::memcpy(quoted + n, key.data(), key.size());
    n += key.size();
    quoted[n++] = '"';
    quoted[n++] = ':';
    out_.append(quoted, n);
  }
  follows_ = false;
}

void JsonStreamWriter::String(std::string_view value) {
  Escaped(value);
  follows_ = true;
}

void JsonStreamWriter::Bool(bool value) {
  Separate();
  out_.append(value ? "true" : "false");
  follows_ = true;
}

void JsonStreamWriter::Null() {
  Separate();
  out_.append("null", 4);
  follows_ = true;
}

void JsonStreamWriter::Int(int64_t value) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  (void)ec;  // 24 characters hold any int64
  Raw(std::string_view(digits, static_cast<size_t>(end - digits)));
}

void JsonStreamWriter::Raw(std::string_view json) {
  Separate();
  out_.append(json);
  follows_ = true;
}

std::string JsonStreamWriter::Take() {
  std::string text = std::move(out_);
  out_.clear();
  follows_ = false;
  return text;
}

}  // namespace selvhjelp::fhir
