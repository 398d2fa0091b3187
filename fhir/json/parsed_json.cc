// RapidJSON's SSE2 paths (whitespace skipped 16 bytes at a time), where the compiler targets SSE2
// (every x86-64 CPU), and a string scan of our own that loads 16 bytes from any position (below).
// Only here: this parse's buffer is padded for the reads SIMD makes past a string's end, while
// json_view.cc parses NDJSON lines in buffers without that padding. The macro changes the bodies
// of inline functions and templates (SkipWhitespace(InsituStringStream&), the string scans) that
// other files instantiate without it, so this file's RapidJSON lives in a namespace of its own:
// one definition per name, and the linker cannot hand a SIMD body to json_view.cc's parse or a
// scalar one to this one. (tests/fhir/rapidjson_odr_test.sh checks that no RapidJSON symbol of
// this file is shared.)
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#define RAPIDJSON_NAMESPACE selvhjelp_rapidjson_sse2

#include "fhir/json/parsed_json.h"

#include <rapidjson/reader.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fhir/json/json_reader.h"
#include "fhir/json/json_string_bytes.h"
#include "fhir/json/utf8.h"

namespace rapidjson = RAPIDJSON_NAMESPACE;

RAPIDJSON_NAMESPACE_BEGIN

// The parse's stream: RapidJSON's in-situ stream over a buffer where at least 16 bytes follow the
// text's terminating NUL, so a scan may load 16 bytes at any position up to that NUL.
struct PaddedInsituStream : InsituStringStream {
  explicit PaddedInsituStream(char* text) : InsituStringStream(text) {}
};
template <>
struct StreamTraits<PaddedInsituStream> {
  enum { copyOptimization = 1 };  // as its base: the reader keeps a local copy of the pointers
};
template <>
inline void SkipWhitespace(PaddedInsituStream& is) {
#ifdef RAPIDJSON_SSE2
  is.src_ = const_cast<char*>(SkipWhitespace_SIMD(is.src_));
#else
  SkipWhitespace(static_cast<InsituStringStream&>(is));
#endif
}

// The string scan RapidJSON's reader calls for this stream: moves to the first '"', '\\' or
// control character (below 0x20), copying the bytes passed over down to the write position once
// an escape has been unescaped before them (in situ, the text shrinks behind the read position).
// RapidJSON's own SSE2 scan for InsituStringStream walks byte by byte to a 16-byte boundary
// first (most strings here end before one) and takes only bytes up to 0x19 for control
// characters; this one loads 16 bytes anywhere, which the padding allows, and stops at all 32.
// What it stops at, the reader handles as for any stream: an escape, the closing quote, or an
// error for a control character or the NUL at the end.
template <>
template <>
inline void Reader::ScanCopyUnescapedString<PaddedInsituStream, PaddedInsituStream>(PaddedInsituStream& is,
                                                                                    PaddedInsituStream&) {
  char* p = is.src_;
  char* q = is.dst_;
#ifdef RAPIDJSON_SSE2
  for (;;) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const unsigned mask = selvhjelp::fhir::internal::JsonStringStops(block);
    if (mask != 0) {
      const size_t length = static_cast<size_t>(__builtin_ctz(mask));
      if (p != q) std::memmove(q, p, length);
      is.src_ = p + length;
      is.dst_ = q + length;
      return;
    }
    if (p != q) _mm_storeu_si128(reinterpret_cast<__m128i*>(q), block);  // q < p: bytes already read
    p += 16;
    q += 16;
  }
#else
  for (; *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20; ++p) *q++ = *p;
  is.src_ = p;
  is.dst_ = q;
#endif
}

RAPIDJSON_NAMESPACE_END

namespace selvhjelp::fhir {

using Type = JsonValue::Type;
using internal::JsonNode;

JsonValue::Type JsonRef::type() const {
  if (value_) return value_->type();
  return node_ ? node_->type : Type::kNull;
}

std::optional<bool> JsonRef::AsBool() const {
  if (value_) return value_->AsBool();
  if (node_ == nullptr || node_->type != Type::kBool) return std::nullopt;
  return node_->boolean;
}

std::optional<double> JsonRef::AsDouble() const {
  if (value_) return value_->AsDouble();
  if (node_ == nullptr || node_->type != Type::kNumber) return std::nullopt;
  // As JsonValue::AsDouble reads its number text (the parser has checked the syntax).
  const std::string text(node_->text, node_->length);
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<std::string_view> JsonRef::AsString() const {
  if (value_) return value_->AsString();
  if (node_ == nullptr || node_->type != Type::kString) return std::nullopt;
  return std::string_view(node_->text, node_->length);
}

JsonRef JsonRef::Find(std::string_view key) const {
  if (value_) {
    const JsonValue* found = value_->Find(key);
    return found ? JsonRef(*found) : JsonRef();
  }
  if (node_ == nullptr || node_->type != Type::kObject) return JsonRef();
  const JsonNode* end = node_ + node_->span;
  for (const JsonNode* name = node_ + 1; name != end; name += 1 + name[1].span) {
    // The first byte before the call to memcmp: most names of the same length differ there.
    if (name->length == key.size() && (key.empty() || (name->text[0] == key[0] &&
                                                       std::memcmp(name->text, key.data(), key.size()) == 0))) {
      return JsonRef(name + 1);
    }
  }
  return JsonRef();
}

JsonRef JsonRef::FindPath(std::initializer_list<std::string_view> keys) const {
  JsonRef at = *this;
  for (std::string_view key : keys) {
    at = at.Find(key);
    if (!at) break;
  }
  return at;
}

JsonRef::Items JsonRef::items() const {
  Items items;
  if (value_ && value_->is_array()) {
    const std::vector<JsonValue>& list = value_->items();
    items.begin_.value_ = list.data();
    items.end_.value_ = list.data() + list.size();
    items.size_ = list.size();
  } else if (node_ && node_->type == Type::kArray) {
    items.begin_.node_ = node_ + 1;
    items.end_.node_ = node_ + node_->span;
    items.size_ = node_->length;
  }
  return items;
}

JsonMembers JsonRef::members() const {
  JsonMembers members;
  if (value_ && value_->is_object()) {
    const std::vector<JsonValue::Member>& list = value_->members();
    members.begin_.value_ = list.data();
    members.end_.value_ = list.data() + list.size();
    members.size_ = list.size();
  } else if (node_ && node_->type == Type::kObject) {
    members.begin_.node_ = node_ + 1;
    members.end_.node_ = node_ + node_->span;
    members.size_ = node_->length;
  }
  return members;
}

namespace {

// The reason for a rejected text, worded and placed exactly as ParseJson words it: the fast
// parse below accepts the same texts, so ParseJson is asked only to explain a failure.
Status ParseError(std::string_view text) {
  Result<JsonValue> slow = ParseJson(text);
  if (!slow.ok()) return slow.status();
  return InternalError("the JSON parsers disagree");  // a bug: both read the same grammar
}

// A document released on the thread that parsed it is kept for that thread's next Parse (its
// buffers stay allocated); one released elsewhere (a FHIR client's pool thread, when the hook
// waited for a read) is freed, so threads that never parse hold no spare. Large ones are freed
// too, so a big request does not pin memory.
constexpr size_t kMaxKeptText = 256 << 10;
constexpr size_t kMaxKeptNodes = 16 << 10;

}  // namespace

// Builds the nodes from RapidJSON's SAX events, with ParseJson's checks: depth, lone surrogate
// escapes (which RapidJSON decodes to bytes that are not UTF-8) and \u0000 escapes (a NUL).
struct ParsedJson::Builder : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Builder> {
  Builder(std::vector<JsonNode>& n, bool escapes) : nodes(n), check_escapes(escapes) {}

  bool Null() { return Add(Type::kNull, nullptr, 0); }
  bool Bool(bool b) {
    Add(Type::kBool, nullptr, 0);
    nodes.back().boolean = b;
    return true;
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return Add(Type::kNumber, s, n); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return !HoldsBadEscape(s, n) && Add(Type::kString, s, n); }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return !HoldsBadEscape(s, n) && Add(Type::kString, s, n); }
  bool StartObject() { return Open(Type::kObject); }
  bool StartArray() { return Open(Type::kArray); }
  bool EndObject(rapidjson::SizeType count) { return Close(count); }
  bool EndArray(rapidjson::SizeType count) { return Close(count); }

  bool Add(Type type, const char* text, size_t length) {
    nodes.push_back(JsonNode{type, false, static_cast<uint32_t>(length), 1, text});
    return true;
  }
  bool Open(Type type) {
    if (depth >= kMaxJsonDepth) return false;
    open[depth++] = static_cast<uint32_t>(nodes.size());
    return Add(type, nullptr, 0);
  }
  bool Close(rapidjson::SizeType count) {
    const uint32_t at = open[--depth];
    nodes[at].length = count;
    nodes[at].span = static_cast<uint32_t>(nodes.size()) - at;
    return true;
  }
  bool HoldsBadEscape(const char* s, size_t n) const {
    if (!check_escapes) return false;
    if (std::memchr(s, '\0', n) != nullptr) return true;
    for (const void* at = std::memchr(s, 0xED, n); at != nullptr;) {
      const size_t i = static_cast<size_t>(static_cast<const char*>(at) - s);
      if (i + 1 < n && (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0xA0) return true;
      at = i + 1 < n ? std::memchr(s + i + 1, 0xED, n - i - 1) : nullptr;
    }
    return false;
  }

  std::vector<JsonNode>& nodes;
  const bool check_escapes;  // only a \u escape can give surrogate bytes or a NUL (the text is UTF-8)
  uint32_t open[kMaxJsonDepth];
  int depth = 0;
};

ParsedJson::ParsedJson() = default;
ParsedJson::~ParsedJson() = default;

Status ParsedJson::ParseInto(std::string_view text) {
  // The copy ends in NUL and at least 15 more zeros, to a 16-byte boundary: the string scan
  // above loads 16 bytes from any position up to the NUL, RapidJSON's whitespace scan whole
  // aligned blocks (new[] aligns to 16).
  const size_t size = (text.size() + 16 + 15) & ~size_t{15};
  if (text_capacity_ < size) {
    text_.reset(new char[size]);
    text_capacity_ = size;
  }
  std::memcpy(text_.get(), text.data(), text.size());
  std::memset(text_.get() + text.size(), 0, size - text.size());
  nodes_.clear();
  // Text that is not UTF-8 is never JSON here (ParseJson validates strings, and such bytes
  // outside strings break the syntax), so the parse need not validate string by string, and
  // RapidJSON copies strings with SIMD.
  if (!IsUtf8(text)) return ParseError(text);
  Builder builder(nodes_, text.find("\\u") != std::string_view::npos);
  rapidjson::PaddedInsituStream stream(text_.get());
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
  // RapidJSON stops at a NUL: one inside the text is content after the value (as in ParseJson).
  if (reader.Parse<kFlags>(stream, builder).IsError() || stream.Tell() != text.size()) {
    nodes_.clear();
    return ParseError(text);
  }
  return OkStatus();
}

Result<std::shared_ptr<const ParsedJson>> ParsedJson::Parse(std::string_view text) {
  thread_local std::unique_ptr<ParsedJson> spare;
  std::unique_ptr<ParsedJson> document = std::move(spare);
  if (!document) document.reset(new ParsedJson());
  Status parsed = document->ParseInto(text);
  if (!parsed.ok()) {
    spare = std::move(document);
    return parsed;
  }
  // &spare names the calling thread's slot: the deleter keeps the document only in that one.
  return std::shared_ptr<const ParsedJson>(document.release(), [home = &spare](const ParsedJson* released) {
    std::unique_ptr<ParsedJson> owned(const_cast<ParsedJson*>(released));
    if (home == &spare && !spare && owned->text_capacity_ <= kMaxKeptText &&
        owned->nodes_.capacity() <= kMaxKeptNodes) {
      spare = std::move(owned);
    }
  });
}

}  // namespace selvhjelp::fhir
