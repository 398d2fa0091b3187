#pragma once
// JsonStreamWriter: writes JSON straight to a string, for large answers built on a hot path
// (no tree to build and serialise afterwards). Hides RapidJSON like the rest of fhir/json.
// The caller is responsible for well-formed nesting (an Object/Array closed for each opened);
// Take() on an unbalanced writer is a programming error.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>


namespace selvhjelp::fhir {

class JsonStreamWriter {
 public:
  JsonStreamWriter();
  ~JsonStreamWriter();
  JsonStreamWriter(const JsonStreamWriter&) = delete;
  JsonStreamWriter& operator=(const JsonStreamWriter&) = delete;

  void StartObject();
  void EndObject();
  void StartArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view value);
  void Bool(bool value);
  void Int(int64_t value);
  // A number given as its JSON text (e.g. a decimal kept as a string). Precondition: valid JSON.
  void Raw(std::string_view number);

  // Shortcuts for one object member.
  void Member(std::string_view key, std::string_view value) { Key(key); String(value); }
  void Member(std::string_view key, const char* value) { Key(key); String(value); }

  // The text written so far; the writer is empty afterwards.
  std::string Take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace selvhjelp::fhir
