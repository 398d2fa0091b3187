#include "fhir/json/json_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

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

// Builds the JsonValue tree from SAX events.
class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  explicit TreeBuilder(const LineCountingStream& stream) : stream_(stream) {}

  bool Null() { return Add(JsonValue()); }
  bool Bool(bool b) { return Add(JsonValue::Bool(b)); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return Add(JsonValue::RawNumber(std::string(s, n)));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return Add(JsonValue::String(std::string(s, n)));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    pending_keys_.emplace_back(s, n);
    return true;
  }
  bool StartObject() { return Open(JsonValue::Object()); }
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool StartArray() { return Open(JsonValue::Array()); }
  bool EndArray(rapidjson::SizeType) { return Close(); }

  bool too_deep() const { return too_deep_; }
  JsonValue TakeRoot() { return std::move(root_); }

 private:
  bool Open(JsonValue container) {
    if (static_cast<int>(stack_.size()) >= kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    container.set_line(stream_.line());
    stack_.push_back(std::move(container));
    return true;
  }
  bool Close() {
    JsonValue done = std::move(stack_.back());
    stack_.pop_back();
    return Attach(std::move(done));
  }
  bool Add(JsonValue value) {
    value.set_line(stream_.line());
    return Attach(std::move(value));
  }
  bool Attach(JsonValue value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return true;
    }
    JsonValue& parent = stack_.back();
    if (parent.is_array()) {
      parent.mutable_items().push_back(std::move(value));
    } else {
      parent.mutable_members().emplace_back(std::move(pending_keys_.back()), std::move(value));
      pending_keys_.pop_back();
    }
    return true;
  }

  const LineCountingStream& stream_;
  std::vector<JsonValue> stack_;
  std::vector<std::string> pending_keys_;
  JsonValue root_;
  bool too_deep_ = false;
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

Result<JsonValue> ParseJson(std::string_view text) {
  LineCountingStream stream(text);
  TreeBuilder builder(stream);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::ParseResult ok = reader.Parse<kFlags>(stream, builder);
  if (!ok) {
    auto [line, column] = LineAndColumn(text, ok.Offset());
    std::string what = builder.too_deep()
                           ? "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels"
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

}  // namespace selvhjelp::fhir
