#pragma once
// Reads groups from a CSV file: one group per row, the columns in docs/group-sources.md.
#include <filesystem>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// InvalidArgument listing every problem as "file:line: column or field: what" (a missing or
// unknown column, a bad value); NotFound when the file cannot be read.
[[nodiscard]] Result<std::vector<Group>> LoadGroupCsv(const std::filesystem::path& file,
                                                      const std::string& source);

// The same from text already read (a URL's body); `where` names it in errors.
[[nodiscard]] Result<std::vector<Group>> ParseGroupCsv(std::string_view text, const std::string& where,
                                                       const std::string& source);

}  // namespace selvhjelp::plugin
