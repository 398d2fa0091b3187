#pragma once
// CategoryMap: what a source's own category codes say about a group (themes, audience, format,
// language, 12-step), kept as data in mappings/data (Meeting Guide type codes, HSDS taxonomy
// terms). Immutable; thread-safe to read.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"

namespace selvhjelp::mappings {

struct CategoryMeaning {
  std::vector<std::string> themes;
  std::string language;  // BCP 47, or empty
  std::string format;    // "digital", "in-person", or empty
  std::string audience;  // "person", "relatives", "both", or empty
  std::optional<bool> twelve_step;
};

class CategoryMap {
 public:
  // Reads {"codes": {CODE: {themes, language, format, audience, twelveStep, description}}}.
  // InvalidArgument listing every problem as "file:line: field: what".
  static Result<CategoryMap> Load(const std::filesystem::path& file);
  // The meaning of `code`, or nullptr for a code the table does not list.
  const CategoryMeaning* Find(std::string_view code) const;

 private:
  std::map<std::string, CategoryMeaning, std::less<>> codes_;
};

}  // namespace selvhjelp::mappings
