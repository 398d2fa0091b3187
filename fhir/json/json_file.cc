#include "fhir/json/json_file.h"

#include <fstream>
#include <sstream>

#include "fhir/json/json_reader.h"

namespace selvhjelp::fhir {

Result<std::string> ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<JsonValue> ReadJsonFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  Result<JsonValue> parsed = ParseJson(*text);
  if (!parsed.ok()) return InFile(path, parsed.status());
  return parsed;
}

Status InFile(const std::filesystem::path& path, const Status& parse_error) {
  // ParseJson says "line L, column C: what"; turn it into "path:L:C: what".
  std::string message = parse_error.message();
  const std::string prefix = "line ";
  size_t comma = message.find(", column ");
  size_t colon = message.find(": ");
  if (message.rfind(prefix, 0) == 0 && comma != std::string::npos && colon != std::string::npos) {
    message = message.substr(prefix.size(), comma - prefix.size()) + ":" +
              message.substr(comma + 9, colon - comma - 9) + ": " + message.substr(colon + 2);
  }
  return InvalidArgumentError(path.string() + ":" + message);
}

std::string DataErrorText(const std::filesystem::path& path, const JsonValue& value,
                          std::string_view field, std::string_view what) {
  return path.string() + ":" + std::to_string(value.line()) + ": " + std::string(field) + ": " +
         std::string(what);
}

}  // namespace selvhjelp::fhir

namespace selvhjelp::fhir {

void DataProblems::Add(const JsonValue& at, std::string_view field, std::string_view what) {
  Add(at, field, what, "invalid");
}

void DataProblems::Add(const JsonValue& at, std::string_view field, std::string_view what,
                       std::string_view issue_code) {
  lines_.push_back(DataErrorText(path_, at, field, what));
  issues_.Add(Issue{"error", std::string(issue_code), std::string(field), lines_.back()});
}

void DataProblems::Missing(const JsonValue& object, std::string_view field) {
  Add(object, field, "required but missing", "required");
}

void DataProblems::Merge(const Status& status) {
  issues_.Merge(status);
  for (const Issue& issue : status.issues()) lines_.push_back(issue.diagnostics);
}

Status DataProblems::ToStatus() const { return issues_.ToStatus(); }

std::optional<std::string> DataProblems::String(const JsonValue& object, std::string_view key,
                                                std::string_view field, bool required) {
  const JsonValue* v = object.Find(key);
  if (v == nullptr) {
    if (required) Missing(object, FieldPath(field, key));
    return std::nullopt;
  }
  if (!v->is_string() || v->AsString()->empty()) {
    Add(*v, FieldPath(field, key), "expected a non-empty string");
    return std::nullopt;
  }
  return std::string(*v->AsString());
}

std::optional<int64_t> DataProblems::Int(const JsonValue& object, std::string_view key,
                                         std::string_view field, bool required, int64_t min,
                                         int64_t max) {
  const JsonValue* v = object.Find(key);
  if (v == nullptr) {
    if (required) Missing(object, FieldPath(field, key));
    return std::nullopt;
  }
  std::optional<int64_t> n = v->AsInt();
  if (!n || *n < min || *n > max) {
    Add(*v, FieldPath(field, key),
        "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> DataProblems::Bool(const JsonValue& object, std::string_view key,
                                       std::string_view field) {
  const JsonValue* v = object.Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    Add(*v, FieldPath(field, key), "expected true or false");
    return std::nullopt;
  }
  return v->AsBool();
}

std::vector<std::string> DataProblems::Strings(const JsonValue& object, std::string_view key,
                                               std::string_view field, bool required) {
  std::vector<std::string> out;
  const JsonValue* list = Array(object, key, field, required);
  if (list == nullptr) return out;
  for (size_t i = 0; i < list->items().size(); ++i) {
    const JsonValue& item = list->items()[i];
    if (!item.is_string() || item.AsString()->empty()) {
      Add(item, FieldPath(FieldPath(field, key), i), "expected a non-empty string");
      continue;
    }
    out.emplace_back(*item.AsString());
  }
  return out;
}

const JsonValue* DataProblems::Container(const JsonValue& object, std::string_view key,
                                         std::string_view field, bool required,
                                         JsonValue::Type type) {
  const JsonValue* v = object.Find(key);
  if (v == nullptr) {
    if (required) Missing(object, FieldPath(field, key));
    return nullptr;
  }
  if (v->type() != type) {
    Add(*v, FieldPath(field, key),
        type == JsonValue::Type::kObject ? "expected an object" : "expected an array");
    return nullptr;
  }
  return v;
}

void DataProblems::RejectUnknown(const JsonValue& object, std::string_view field,
                                 std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.members()) {
    bool listed = false;
    for (std::string_view k : known) listed = listed || k == key;
    if (!listed) Add(value, FieldPath(field, key), "unknown setting");
  }
}

std::string FieldPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

std::string FieldPath(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

}  // namespace selvhjelp::fhir
