#include "config/config_references.h"

#include <cstdlib>
#include <optional>
#include <string>

namespace selvhjelp::config {
namespace {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

// What the reference `body` (between "${" and "}") stands for, or nullopt after adding why not.
std::optional<std::string> Resolve(std::string_view body, const std::filesystem::path& dir, const JsonValue& at,
                                   const std::string& field, DataProblems& p) {
  if (body.starts_with("env:") && body.size() > 4) {
    const std::string name(body.substr(4));
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    p.Add(at, field, "environment variable " + name + " is not set");
    return std::nullopt;
  }
  if (body.starts_with("file:") && body.size() > 5) {
    std::filesystem::path path(body.substr(5));
    if (path.is_relative()) path = (dir / path).lexically_normal();
    Result<std::string> text = fhir::ReadTextFile(path);
    if (!text.ok()) {
      p.Add(at, field, "cannot read " + path.string());
      return std::nullopt;
    }
    std::string value = std::move(text).value();
    if (value.ends_with("\r\n")) {
      value.resize(value.size() - 2);
    } else if (value.ends_with('\n')) {
      value.pop_back();
    }
    return value;
  }
  p.Add(at, field, "expected ${env:NAME} or ${file:PATH} (write $${ for a literal ${)");
  return std::nullopt;
}

// The value of the string `text` with its references resolved; nullopt after adding a problem.
std::optional<std::string> Expand(std::string_view text, const std::filesystem::path& dir, const JsonValue& at,
                                  const std::string& field, DataProblems& p) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i).starts_with("$${")) {
      out += "${";
      i += 3;
    } else if (text.substr(i).starts_with("${")) {
      const size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) {
        p.Add(at, field, "a ${ without its closing }");
        return std::nullopt;
      }
      std::optional<std::string> value = Resolve(text.substr(i + 2, close - i - 2), dir, at, field, p);
      if (!value) return std::nullopt;
      out += *value;
      i = close + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

void Walk(JsonValue& value, const std::string& field, const std::filesystem::path& dir, DataProblems& p) {
  if (value.is_string()) {
    const std::string_view text = *value.AsString();
    if (text.find("${") == std::string_view::npos) return;
    if (std::optional<std::string> expanded = Expand(text, dir, value, field, p)) {
      const int line = value.line();
      value = JsonValue::String(std::move(*expanded));
      value.set_line(line);  // later problems with the value still name its line
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.mutable_items().size(); ++i) Walk(value.mutable_items()[i], FieldPath(field, i), dir, p);
  } else if (value.is_object()) {
    for (auto& [key, member] : value.mutable_members()) Walk(member, FieldPath(field, key), dir, p);
  }
}

}  // namespace

void ExpandReferences(JsonValue& root, const std::filesystem::path& dir, DataProblems& problems) {
  Walk(root, "", dir, problems);
}

}  // namespace selvhjelp::config
