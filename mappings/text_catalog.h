#pragma once
// TextCatalog: every text shown to clinicians and patients, per language (nb, nn, en, ...).
// Loading checks that every key has every language, so a missing translation fails at start-up,
// not in front of a clinician. Immutable; thread-safe to read.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/base/result.h"

namespace selvhjelp::mappings {

class TextCatalog {
 public:
  // One file holding every language: {"languages": [...], "texts": {key: {language: text}}}
  // (mappings/data/texts.json). InvalidArgument listing every problem as "file:line: field: what".
  static Result<TextCatalog> Load(const std::filesystem::path& file);
  // One file per language in `dir`, named <language>.json: {"language": "nb", "texts": {key: text}}
  // (mappings/data/handout/), so adding a language is adding a file. Every file must hold every
  // key that any other file holds, and every key in `required`; each gap is reported at the line
  // of that file's "texts" ("file:line: texts.KEY: missing (nb.json has it)"). InvalidArgument
  // listing every problem; NotFound when `dir` holds no .json file.
  static Result<TextCatalog> LoadLanguageFiles(const std::filesystem::path& dir,
                                               const std::vector<std::string>& required = {});

  // The languages in the order loaded (files: sorted by name).
  const std::vector<std::string>& languages() const { return languages_; }

  bool HasLanguage(std::string_view language) const;
  // The text for `key` in `language`, with each {name} replaced by its value.
  // Precondition: HasLanguage(language); an unknown key gives "[key]" so a typo shows in tests.
  std::string Get(std::string_view language, std::string_view key,
                  const std::vector<std::pair<std::string, std::string>>& values = {}) const;

 private:
  std::vector<std::string> languages_;
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> texts_;  // key -> lang -> text
};

// `text` with each {name} replaced by its value, every occurrence (what Get does to a catalogue text).
std::string FillPlaceholders(std::string text, const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace selvhjelp::mappings
