#pragma once
// Reading JSON data files (config, mappings, group directories) with errors that name the file,
// the line and the field, as operators need them: "config/demo.json:14: groups[2].municipality:
// expected a 4-digit municipality number".
#include <filesystem>
#include <string>
#include <string_view>
#include <optional>
#include <vector>
#include <cstdint>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

// Reads and parses `path`. InvalidArgument "<path>:<line>: <what>" for malformed JSON;
// NotFound "<path>: cannot be read" when the file cannot be opened.
[[nodiscard]] Result<JsonValue> ReadJsonFile(const std::filesystem::path& path);

// "<path>:<line of value>: <field>: <what>", the form every data error takes.
std::string DataErrorText(const std::filesystem::path& path, const JsonValue& value,
                          std::string_view field, std::string_view what);

// A parse error of ParseJson ("line L, column C: what") as "<path>:L:C: what".
Status InFile(const std::filesystem::path& path, const Status& parse_error);

// Reads a whole file into a string; NotFound when it cannot be opened.
[[nodiscard]] Result<std::string> ReadTextFile(const std::filesystem::path& path);

}  // namespace selvhjelp::fhir

namespace selvhjelp::fhir {

// Collects every problem found in one data file, so an operator sees them all at once.
// Typed readers return the value when present and of the right type; otherwise they record a
// problem (for a wrong type, or a missing required field) and return std::nullopt.
class DataProblems {
 public:
  explicit DataProblems(std::filesystem::path path) : path_(std::move(path)) {}

  const std::filesystem::path& path() const { return path_; }
  // A problem at `at`: the line "<path>:<line>: <field>: <what>", and an issue with that line as
  // diagnostics, `field` as expression and `issue_code` ("invalid" unless given) as code.
  void Add(const JsonValue& at, std::string_view field, std::string_view what);
  void Add(const JsonValue& at, std::string_view field, std::string_view what, std::string_view issue_code);
  // Folds in the problems (the issues) of another file (a file this one names).
  void Merge(const Status& status);
  bool empty() const { return lines_.empty(); }
  const std::vector<std::string>& lines() const { return lines_; }
  // OK when empty; otherwise InvalidArgument with one issue per problem (message: one per line).
  Status ToStatus() const;

  std::optional<std::string> String(const JsonValue& object, std::string_view key,
                                    std::string_view field, bool required);
  std::optional<int64_t> Int(const JsonValue& object, std::string_view key,
                             std::string_view field, bool required, int64_t min, int64_t max);
  std::optional<bool> Bool(const JsonValue& object, std::string_view key, std::string_view field);
  // An array of strings; problems for the array or any item that is not a string.
  std::vector<std::string> Strings(const JsonValue& object, std::string_view key,
                                   std::string_view field, bool required);
  // The member if present and an object/array; a problem when it has another type or is
  // required and missing.
  const JsonValue* Object(const JsonValue& object, std::string_view key, std::string_view field,
                          bool required) {
    return Container(object, key, field, required, JsonValue::Type::kObject);
  }
  const JsonValue* Array(const JsonValue& object, std::string_view key, std::string_view field,
                         bool required) {
    return Container(object, key, field, required, JsonValue::Type::kArray);
  }
  // Problems for members of `object` not in `known` (typos in config keys must not pass silently).
  void RejectUnknown(const JsonValue& object, std::string_view field,
                     std::initializer_list<std::string_view> known);

 private:
  const JsonValue* Container(const JsonValue& object, std::string_view key, std::string_view field,
                             bool required, JsonValue::Type type);
  // `field` of `object` is required but missing (issue code "required").
  void Missing(const JsonValue& object, std::string_view field);
  std::filesystem::path path_;
  std::vector<std::string> lines_;  // the issues' diagnostics, kept for readers counting lines
  IssueCollector issues_;
};

// "a.b" / "a[2]" style field paths.
std::string FieldPath(std::string_view parent, std::string_view key);
std::string FieldPath(std::string_view parent, size_t index);

}  // namespace selvhjelp::fhir
