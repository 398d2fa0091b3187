#pragma once
// Reading JSON data files (config, mappings, group directories) with errors that name the file,
// the line and the field, as operators need them: "config/demo.json:14: groups[2].municipality:
// expected a 4-digit municipality number".
#include <filesystem>
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

// Reads and parses `path`. InvalidArgument "<path>:<line>: <what>" for malformed JSON;
// NotFound "<path>: cannot be read" when the file cannot be opened.
[[nodiscard]] Result<JsonValue> ReadJsonFile(const std::filesystem::path& path);

// "<path>:<line of value>: <field>: <what>", the form every data error takes.
std::string DataErrorText(const std::filesystem::path& path, const JsonValue& value,
                          std::string_view field, std::string_view what);

// Reads a whole file into a string; NotFound when it cannot be opened.
[[nodiscard]] Result<std::string> ReadTextFile(const std::filesystem::path& path);

}  // namespace selvhjelp::fhir
