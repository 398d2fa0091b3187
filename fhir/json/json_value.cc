#include "fhir/json/json_value.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace selvhjelp::fhir {

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.type_ = Type::kBool;
  v.bool_ = b;
  return v;
}

JsonValue JsonValue::Int(int64_t n) { return RawNumber(std::to_string(n)); }

JsonValue JsonValue::RawNumber(std::string text) {
  JsonValue v;
  v.type_ = Type::kNumber;
  v.text_ = std::move(text);
  return v;
}

JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.type_ = Type::kString;
  v.text_ = std::move(s);
  return v;
}

JsonValue JsonValue::Array() {
  JsonValue v;
  v.type_ = Type::kArray;
  return v;
}

JsonValue JsonValue::Object() {
  JsonValue v;
  v.type_ = Type::kObject;
  return v;
}

std::optional<bool> JsonValue::AsBool() const {
  if (type_ != Type::kBool) return std::nullopt;
  return bool_;
}

std::optional<int64_t> JsonValue::AsInt() const {
  if (type_ != Type::kNumber) return std::nullopt;
  int64_t n = 0;
  const char* end = text_.data() + text_.size();
  auto [ptr, ec] = std::from_chars(text_.data(), end, n);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return n;
}

std::optional<double> JsonValue::AsDouble() const {
  if (type_ != Type::kNumber) return std::nullopt;
  // Numbers from the parser are valid JSON; RawNumber text built from other data may not be.
  char* end = nullptr;
  double d = std::strtod(text_.c_str(), &end);
  if (text_.empty() || end != text_.c_str() + text_.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<std::string_view> JsonValue::AsString() const {
  if (type_ != Type::kString) return std::nullopt;
  return std::string_view(text_);
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

JsonValue* JsonValue::MutableFind(std::string_view key) {
  for (Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

std::optional<std::string_view> JsonValue::FindString(std::string_view key) const {
  const JsonValue* v = Find(key);
  return v ? v->AsString() : std::nullopt;
}

std::optional<int64_t> JsonValue::FindInt(std::string_view key) const {
  const JsonValue* v = Find(key);
  return v ? v->AsInt() : std::nullopt;
}

std::optional<bool> JsonValue::FindBool(std::string_view key) const {
  const JsonValue* v = Find(key);
  return v ? v->AsBool() : std::nullopt;
}

const JsonValue* JsonValue::FindPath(std::initializer_list<std::string_view> keys) const {
  const JsonValue* v = this;
  for (std::string_view key : keys) {
    v = v->Find(key);
    if (v == nullptr) return nullptr;
  }
  return v;
}

JsonValue& JsonValue::Set(std::string key, JsonValue value) {
  assert(type_ == Type::kObject);
  for (Member& m : members_) {
    if (m.first == key) {
      m.second = std::move(value);
      return m.second;
    }
  }
  members_.emplace_back(std::move(key), std::move(value));
  return members_.back().second;
}

JsonValue& JsonValue::Append(JsonValue value) {
  assert(type_ == Type::kArray);
  items_.push_back(std::move(value));
  return items_.back();
}

bool JsonValue::Erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
      return true;
    }
  }
  return false;
}

bool JsonValue::operator==(const JsonValue& other) const {
  return type_ == other.type_ && bool_ == other.bool_ && text_ == other.text_ &&
         items_ == other.items_ && members_ == other.members_;
}

}  // namespace selvhjelp::fhir
