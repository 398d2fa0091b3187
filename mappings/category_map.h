#pragma once
// CategoryMap: what a source's own category codes say about a group (themes, audience, format,
// language, 12-step; listing kind, open/closed, age limit, wheelchair access, temporarily closed,
// national scope), kept as data in mappings/data (Meeting Guide type codes, HSDS taxonomy
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
  std::string kind;    // "contact-point", "meeting-group", or empty
  std::string access;  // "open", "closed", or empty
  int min_age = 0;     // 0: says nothing
  bool wheelchair = false;
  bool temporarily_closed = false;
  bool national = false;
};

class CategoryMap {
 public:
  // Reads {"codes": {CODE: {themes, language, format, audience, twelveStep, kind, access, minAge,
  // wheelchair, temporarilyClosed, national, description}}}.
  // InvalidArgument listing every problem as "file:line: field: what".
  static Result<CategoryMap> Load(const std::filesystem::path& file);
  // The meaning of `code`, or nullptr for a code the table does not list.
  const CategoryMeaning* Find(std::string_view code) const;

 private:
  std::map<std::string, CategoryMeaning, std::less<>> codes_;
};

}  // namespace selvhjelp::mappings
