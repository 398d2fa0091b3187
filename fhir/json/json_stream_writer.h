#pragma once
// JsonStreamWriter: writes JSON straight to a string, for large answers built on a hot path
// (no tree to build and serialise afterwards); WriteJson (json_writer.h) writes trees with it.
// Strings are escaped as RapidJSON escapes them (", \ and control characters; \b \t \n \f \r
// by name, the rest as \u00XX; other bytes as they are), scanning 16 bytes at a time.
// The caller is responsible for well-formed nesting (an Object/Array closed for each opened, a
// value after each key); Take() on an unbalanced writer is a programming error.
// Not thread-safe: one writer per answer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace selvhjelp::fhir {

class JsonStreamWriter {
 public:
  JsonStreamWriter() = default;
  JsonStreamWriter(const JsonStreamWriter&) = delete;
  JsonStreamWriter& operator=(const JsonStreamWriter&) = delete;

  void StartObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void StartArray() { Open('['); }
  void EndArray() { Close(']'); }
  // A key, escaped as a string is.
  void Key(std::string_view key);
  // A key given as a string literal is written as it is, without escaping: it must be plain
  // (no ", \ or control characters), as every member name of FHIR and CDS Hooks is.
  template <size_t N>
  void Key(const char (&literal)[N]) { PlainKey(std::string_view(literal, N - 1)); }
  void String(std::string_view value);
  void Bool(bool value);
  void Null();
  void Int(int64_t value);
  // JSON text written as it is: a number given as its text (e.g. a decimal kept as a string), or a
  // value rendered once and kept (JsonEscape'd strings inside). Precondition: valid JSON.
  void Raw(std::string_view json);

  // A string value written in pieces, for a long value assembled from parts escaped once and kept:
  // StartString, then any number of StringPiece (escaped as String escapes) and EscapedPiece (text
  // escaped already by JsonEscape, written as it is), then EndString. The pieces make the same
  // text as String(all the pieces' unescaped text).
  void StartString() {
    Separate();
    out_.push_back('"');
  }
  void StringPiece(std::string_view text);
  void EscapedPiece(std::string_view escaped) { out_.append(escaped); }
  void EndString() {
    out_.push_back('"');
    follows_ = true;
  }

  // Shortcuts for one object member.
  void Member(std::string_view key, std::string_view value) { Key(key); String(value); }
  template <size_t N>
  void Member(const char (&key)[N], std::string_view value) { Key(key); String(value); }

  // Makes room for `bytes` of text in one allocation (a hint for large answers).
  void Reserve(size_t bytes) { out_.reserve(bytes); }

  // The text written so far; the writer is empty afterwards.
  std::string Take();

 private:
  void Open(char bracket);
  void Close(char bracket);
  void PlainKey(std::string_view key);
  // A ',' when a value or key follows another at the same level.
  void Separate() {
    if (follows_) out_.push_back(',');
  }
  void Escaped(std::string_view text);

  std::string out_;
  bool follows_ = false;
};

// `text` escaped as JsonStreamWriter::String escapes it, without the quotes: for
// JsonStreamWriter::EscapedPiece.
std::string JsonEscape(std::string_view text);

}  // namespace selvhjelp::fhir
