#pragma once
// Reads groups from a JSON file (format: docs/group-file-format.md).
#include <filesystem>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/json/json_file.h"
#include "fhir/json/json_value.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// InvalidArgument listing every problem as "file:line: groups[i].field: what"; NotFound when the
// file cannot be read. Each group's `source` is set to `source`.
[[nodiscard]] Result<std::vector<Group>> LoadGroupFile(const std::filesystem::path& file,
                                                       const std::string& source);

// The same format from text already in memory (a stored snapshot); `where` names it in errors.
[[nodiscard]] Result<std::vector<Group>> ParseGroupDocument(std::string_view text,
                                                            const std::filesystem::path& where,
                                                            const std::string& source);

// Reads one group from an object in the group file format, adding problems under `field` (the
// values' lines name the place in the source). For sources that convert their records into that
// shape first (CSV rows).
std::optional<Group> ReadGroupFields(const fhir::JsonValue& object, const std::string& field,
                                     fhir::DataProblems& problems, const std::string& source);

// `groups` in the group file format (what ParseGroupDocument reads back).
std::string GroupsToJson(const std::vector<Group>& groups);

}  // namespace selvhjelp::plugin
