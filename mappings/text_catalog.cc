#include "mappings/text_catalog.h"

#include <algorithm>

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

bool TextCatalog::HasLanguage(std::string_view language) const {
  return std::find(languages_.begin(), languages_.end(), language) != languages_.end();
}

std::string TextCatalog::Get(std::string_view language, std::string_view key,
                             const std::vector<std::pair<std::string, std::string>>& values) const {
  auto entry = texts_.find(key);
  if (entry == texts_.end()) return "[" + std::string(key) + "]";
  auto text = entry->second.find(language);
  if (text == entry->second.end()) return "[" + std::string(key) + "]";
  std::string out = text->second;
  for (const auto& [name, value] : values) {
    std::string token = "{" + name + "}";
    for (size_t at = out.find(token); at != std::string::npos; at = out.find(token, at + value.size())) {
      out.replace(at, token.size(), value);
    }
  }
  return out;
}

}  // namespace selvhjelp::mappings
