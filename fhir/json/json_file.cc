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
  if (!parsed.ok()) {
    // ParseJson says "line L, column C: what"; turn it into "path:L:C: what".
    std::string message = parsed.status().message();
    std::string prefix = "line ";
    if (message.rfind(prefix, 0) == 0) {
      size_t comma = message.find(", column ");
      size_t colon = message.find(": ");
      if (comma != std::string::npos && colon != std::string::npos) {
        message = message.substr(prefix.size(), comma - prefix.size()) + ":" +
                  message.substr(comma + 9, colon - comma - 9) + ": " + message.substr(colon + 2);
      }
    }
    return InvalidArgumentError(path.string() + ":" + message);
  }
  return parsed;
}

std::string DataErrorText(const std::filesystem::path& path, const JsonValue& value,
                          std::string_view field, std::string_view what) {
  return path.string() + ":" + std::to_string(value.line()) + ": " + std::string(field) + ": " +
         std::string(what);
}

}  // namespace selvhjelp::fhir
