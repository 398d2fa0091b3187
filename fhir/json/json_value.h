#pragma once
// JsonValue: an owned JSON tree that remembers the source line of every value.
// It hides RapidJSON (used only in fhir/json/*.cc). Numbers keep their source text, so FHIR
// decimals survive a round trip unchanged. Reads are checked: absent members and wrong types give
// nullptr/std::nullopt, never an assertion.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace selvhjelp::fhir {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, JsonValue>;

  JsonValue() = default;  // null
  static JsonValue Bool(bool b);
  static JsonValue Int(int64_t n);
  // `text` must be a valid JSON number; callers build numbers from C++ values or the parser.
  static JsonValue RawNumber(std::string text);
  static JsonValue String(std::string s);
  static JsonValue Array();
  static JsonValue Object();

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }
  // Line in the parsed text (1-based); 0 for values built in code.
  int line() const { return line_; }
  void set_line(int line) { line_ = line; }

  // Typed reads: std::nullopt when the value has another type (or an integer is out of range, or
  // a number does not fit a finite double).
  std::optional<bool> AsBool() const;
  std::optional<int64_t> AsInt() const;
  std::optional<double> AsDouble() const;
  std::optional<std::string_view> AsString() const;
  // The number's source text, or the string's content: for writers.
  const std::string& scalar_text() const { return text_; }

  // Arrays: empty for non-arrays.
  const std::vector<JsonValue>& items() const { return items_; }
  // Objects: members in source order; empty for non-objects.
  const std::vector<Member>& members() const { return members_; }

  // Object member by key, or nullptr when absent or when this is not an object.
  const JsonValue* Find(std::string_view key) const;
  JsonValue* MutableFind(std::string_view key);
  // Shortcuts for Find(key)->AsX(); std::nullopt when absent or of another type.
  std::optional<std::string_view> FindString(std::string_view key) const;
  std::optional<int64_t> FindInt(std::string_view key) const;
  std::optional<bool> FindBool(std::string_view key) const;
  // Nested object lookup: Find("a")->Find("b")... with nullptr on the first miss.
  const JsonValue* FindPath(std::initializer_list<std::string_view> keys) const;

  // Builders. Set replaces an existing member with the same key. Precondition: the right type.
  JsonValue& Set(std::string key, JsonValue value);
  JsonValue& Append(JsonValue value);
  JsonValue& Set(std::string key, std::string_view s) { return Set(std::move(key), String(std::string(s))); }
  JsonValue& Set(std::string key, const char* s) { return Set(std::move(key), String(s)); }
  // Removes an object member; returns whether it existed.
  bool Erase(std::string_view key);

  // Internal to the parser.
  std::vector<JsonValue>& mutable_items() { return items_; }
  std::vector<Member>& mutable_members() { return members_; }

  bool operator==(const JsonValue& other) const;

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  int line_ = 0;
  std::string text_;
  std::vector<JsonValue> items_;
  std::vector<Member> members_;
};

}  // namespace selvhjelp::fhir
