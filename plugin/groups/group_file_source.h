#pragma once
// Reads groups from a JSON file (format: docs/group-file-format.md).
#include <filesystem>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// InvalidArgument listing every problem as "file:line: groups[i].field: what"; NotFound when the
// file cannot be read. Each group's `source` is set to the file name.
[[nodiscard]] Result<std::vector<Group>> LoadGroupFile(const std::filesystem::path& file);

}  // namespace selvhjelp::plugin
