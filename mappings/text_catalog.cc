#include "mappings/text_catalog.h"

#include <algorithm>
#include <set>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"

namespace selvhjelp::mappings {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

Result<TextCatalog> TextCatalog::Load(const std::filesystem::path& file) {
  Result<JsonValue> root = fhir::ReadJsonFile(file);
  if (!root.ok()) return root.status();
  DataProblems problems(file);
  TextCatalog catalog;
  problems.RejectUnknown(*root, "", {"description", "languages", "texts"});
  catalog.languages_ = problems.Strings(*root, "languages", "", true);
  if (const JsonValue* texts = problems.Object(*root, "texts", "", true)) {
    for (const auto& [key, per_language] : texts->members()) {
      std::string field = FieldPath("texts", key);
      if (!per_language.is_object()) {
        problems.Add(per_language, field, "expected an object of language -> text");
        continue;
      }
      for (const std::string& language : catalog.languages_) {
        if (auto text = problems.String(per_language, language, field, true)) {
          catalog.texts_[key][language] = *text;
        }
      }
    }
  }
  SELVHJELP_RETURN_IF_ERROR(problems.ToStatus());
  return catalog;
}

Result<TextCatalog> TextCatalog::LoadLanguageFiles(const std::filesystem::path& dir,
                                                   const std::vector<std::string>& required) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (error || files.empty()) return NotFoundError(dir.string() + ": no <language>.json text files");
  std::sort(files.begin(), files.end());

  struct Loaded {
    std::filesystem::path file;
    int texts_line = 0;  // where a missing key is reported
  };
  std::vector<Loaded> loaded;
  std::vector<std::string> problems_found;
  std::map<std::string, std::string, std::less<>> first_holder;  // key -> file name that has it
  TextCatalog catalog;
  for (const std::filesystem::path& file : files) {
    Result<JsonValue> root = fhir::ReadJsonFile(file);
    if (!root.ok()) {
      problems_found.push_back(root.status().message());
      continue;
    }
    DataProblems problems(file);
    problems.RejectUnknown(*root, "", {"description", "language", "texts"});
    std::string language = file.stem().string();
    if (auto declared = problems.String(*root, "language", "", true); declared && *declared != language) {
      problems.Add(*root->Find("language"), "language", "'" + *declared + "' does not match the file name " + file.filename().string());
    }
    const JsonValue* texts = problems.Object(*root, "texts", "", true);
    if (texts != nullptr) {
      for (const auto& [key, text] : texts->members()) {
        if (!text.is_string()) {
          problems.Add(text, FieldPath("texts", key), "expected a string");
          continue;
        }
        catalog.texts_[key][language] = std::string(*text.AsString());
        first_holder.emplace(key, file.filename().string() + " has it");
      }
    }
    for (const std::string& line : problems.lines()) problems_found.push_back(line);
    catalog.languages_.push_back(language);
    if (texts != nullptr) loaded.push_back({file, texts->line()});
  }
  for (const std::string& key : required) first_holder.emplace(key, "the renderer needs it");
  for (const Loaded& file : loaded) {
    const std::string language = file.file.stem().string();
    for (const auto& [key, holder] : first_holder) {
      auto entry = catalog.texts_.find(key);
      if (entry == catalog.texts_.end() || !entry->second.count(language)) {
        problems_found.push_back(file.file.string() + ":" + std::to_string(file.texts_line) + ": " +
                                 FieldPath("texts", key) + ": missing (" + holder + ")");
      }
    }
  }
  if (!problems_found.empty()) {
    std::string message;
    for (const std::string& line : problems_found) message += (message.empty() ? "" : "\n") + line;
    return InvalidArgumentError(message);
  }
  return catalog;
}

bool TextCatalog::HasLanguage(std::string_view language) const {
  return std::find(languages_.begin(), languages_.end(), language) != languages_.end();
}

std::string TextCatalog::Get(std::string_view language, std::string_view key,
                             const std::vector<std::pair<std::string, std::string>>& values) const {
  auto entry = texts_.find(key);
  if (entry == texts_.end()) return "[" + std::string(key) + "]";
  auto text = entry->second.find(language);
  if (text == entry->second.end()) return "[" + std::string(key) + "]";
  return FillPlaceholders(text->second, values);
}

std::string FillPlaceholders(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    std::string token = "{" + name + "}";
    for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + value.size())) {
      text.replace(at, token.size(), value);
    }
  }
  return text;
}

}  // namespace selvhjelp::mappings
