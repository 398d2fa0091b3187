#include "fhir/json/json_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <string>
#include <vector>

namespace selvhjelp::fhir {
namespace {

// A RapidJSON input stream over a string_view that counts lines as it goes.
class LineCountingStream {
 public:
  using Ch = char;
  explicit LineCountingStream(std::string_view text) : text_(text) {}
  Ch Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  Ch Take() {
    if (pos_ >= text_.size()) return '\0';
    Ch c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      line_start_ = pos_;
    }
    return c;
  }
  size_t Tell() const { return pos_; }
  int line() const { return line_; }
  // Unused by a non-destructive reader; required by the concept.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  size_t PutEnd(Ch*) { return 0; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  int line_ = 1;
};

// Builds the JsonValue tree from SAX events. Finished values wait on a flat stack; a container
// is assembled once, at its end event, from the last `count` values (RapidJSON reports the count),
// so no vector grows while subtrees are being built.
class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  explicit TreeBuilder(const LineCountingStream& stream) : stream_(stream) {}
  // Elements of the array under the root member `key` go to `on_element` instead of the tree.
  void StreamArray(std::string_view key, const std::function<bool(JsonValue)>* on_element) {
    stream_key_ = key;
    on_element_ = on_element;
  }

  bool Null() { return Add(JsonValue()); }
  bool Bool(bool b) { return Add(JsonValue::Bool(b)); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return Add(JsonValue::RawNumber(std::string(s, n)));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (HoldsSurrogate(s, n) || HoldsNul(s, n)) return false;
    return Add(JsonValue::String(std::string(s, n)));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (HoldsSurrogate(s, n) || HoldsNul(s, n)) return false;
    keys_.emplace_back(s, n);
    if (on_element_ != nullptr && open_lines_.size() == 1) key_is_stream_ = keys_.back() == stream_key_;
    return true;
  }
  bool StartObject() { return Open(); }
  bool StartArray() {
    if (key_is_stream_ && open_lines_.size() == 1) streaming_ = true;
    return Open();
  }
  bool EndObject(rapidjson::SizeType count) {
    JsonValue object = JsonValue::Object();
    object.set_line(open_lines_.back());
    auto& members = object.mutable_members();
    members.reserve(count);
    const size_t first_value = values_.size() - count, first_key = keys_.size() - count;
    for (size_t i = 0; i < count; ++i) {
      members.emplace_back(std::move(keys_[first_key + i]), std::move(values_[first_value + i]));
    }
    values_.resize(first_value);
    keys_.resize(first_key);
    return Close(std::move(object));
  }
  bool EndArray(rapidjson::SizeType count) {
    JsonValue array = JsonValue::Array();
    array.set_line(open_lines_.back());
    if (streaming_ && open_lines_.size() == 2) {  // the streamed array: its elements are gone
      streaming_ = key_is_stream_ = false;
      return Close(std::move(array));
    }
    auto& items = array.mutable_items();
    const size_t first = values_.size() - count;
    items.reserve(count);
    for (size_t i = first; i < values_.size(); ++i) items.push_back(std::move(values_[i]));
    values_.resize(first);
    return Close(std::move(array));
  }

  bool too_deep() const { return too_deep_; }
  bool lone_surrogate() const { return lone_surrogate_; }
  bool nul() const { return nul_; }
  bool stopped() const { return stopped_; }
  JsonValue TakeRoot() { return std::move(values_.back()); }

 private:
  // RapidJSON 1.1.0 checks the encoding of the bytes it reads and pairs \uD800-\uDBFF escapes,
  // but writes a lone \uDC00-\uDFFF escape as the bytes of a surrogate (ED A0-BF ..), which are
  // not UTF-8 and do not survive a write and a read. Found by the json_reader fuzzer.
  bool HoldsSurrogate(const char* s, size_t n) {
    for (size_t i = 0; i + 1 < n; ++i) {
      if (static_cast<unsigned char>(s[i]) == 0xED && (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0xA0) {
        lone_surrogate_ = true;
        return true;
      }
    }
    return false;
  }

  // A \u0000 escape: FHIR strings may not hold one, PostgreSQL's text cannot, and C strings end
  // at it. Refused here, where the line is known, so no such value reaches a listing or a record
  // (a source's NUL in a group name once made a whole batch of records fail to store).
  bool HoldsNul(const char* s, size_t n) {
    nul_ = std::memchr(s, '\0', n) != nullptr;
    return nul_;
  }

  bool Open() {
    if (static_cast<int>(open_lines_.size()) >= kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    open_lines_.push_back(stream_.line());
    return true;
  }
  bool Close(JsonValue container) {
    open_lines_.pop_back();
    return Keep(std::move(container));
  }
  bool Add(JsonValue value) {
    value.set_line(stream_.line());
    return Keep(std::move(value));
  }
  // A finished value: an element of the streamed array goes to the callback, the rest waits
  // for its container.
  bool Keep(JsonValue value) {
    if (streaming_ && open_lines_.size() == 2) {
      if ((*on_element_)(std::move(value))) return true;
      stopped_ = true;
      return false;
    }
    values_.push_back(std::move(value));
    return true;
  }

  const LineCountingStream& stream_;
  std::vector<JsonValue> values_;   // finished values not yet in a container
  std::vector<std::string> keys_;   // keys of object members not yet in a container
  std::vector<int> open_lines_;     // start line of each open container
  bool too_deep_ = false;
  bool lone_surrogate_ = false;
  bool nul_ = false;
  std::string stream_key_;
  const std::function<bool(JsonValue)>* on_element_ = nullptr;
  bool key_is_stream_ = false;  // the last root-level key names the streamed array
  bool streaming_ = false;      // inside the streamed array
  bool stopped_ = false;
};

// 1-based line and column of byte `offset` in `text`.
std::pair<int, int> LineAndColumn(std::string_view text, size_t offset) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1};
}

}  // namespace

namespace {

Result<JsonValue> Parse(std::string_view text, std::string_view array_key,
                        const std::function<bool(JsonValue)>* on_element) {
  LineCountingStream stream(text);
  TreeBuilder builder(stream);
  if (on_element != nullptr) builder.StreamArray(array_key, on_element);
  rapidjson::Reader reader;
  // Recursive parsing is faster than iterative, and safe here: the handler stops the parse at
  // kMaxJsonDepth before the recursion goes deeper.
  constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::ParseResult ok = reader.Parse<kFlags>(stream, builder);
  if (!ok) {
    auto [line, column] = LineAndColumn(text, ok.Offset());
    std::string what = builder.too_deep()  ? "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels"
                       : builder.lone_surrogate() ? std::string("a \\u escape that is half a surrogate pair")
                       : builder.nul() ? std::string("a \\u0000 escape (a NUL character) in a string")
                       : builder.stopped() ? std::string("stopped")
                                           : rapidjson::GetParseError_En(ok.Code());
    return InvalidArgumentError("line " + std::to_string(line) + ", column " +
                                std::to_string(column) + ": " + what);
  }
  // The reader stops after the root value; anything but whitespace after it is an error.
  size_t rest = stream.Tell();
  while (rest < text.size() && (text[rest] == ' ' || text[rest] == '\n' || text[rest] == '\r' ||
                                text[rest] == '\t')) {
    ++rest;
  }
  if (rest != text.size()) {
    auto [line, column] = LineAndColumn(text, rest);
    return InvalidArgumentError("line " + std::to_string(line) + ", column " +
                                std::to_string(column) + ": content after the JSON value");
  }
  return builder.TakeRoot();
}

}  // namespace

Result<JsonValue> ParseJson(std::string_view text) { return Parse(text, {}, nullptr); }

Result<JsonValue> ParseJsonStreamingArray(std::string_view text, std::string_view array_key,
                                          const std::function<bool(JsonValue)>& on_element) {
  return Parse(text, array_key, &on_element);
}

}  // namespace selvhjelp::fhir
