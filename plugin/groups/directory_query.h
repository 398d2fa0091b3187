#pragma once
// The directory search that GET /directory/groups and `selvhjelp directory list` share.
#include <map>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/groups/group_directory.h"

namespace selvhjelp::plugin {

// Parameters: `municipality` (4 digits, optional), `theme` (optional), `audience` ("person",
// the default, or "relatives"). Returns the groups in card order, or InvalidArgument
// "<parameter>: <what>" for an unknown parameter or a bad value. With `per_section` > 0 and a
// municipality, exactly the groups a card would show (GroupDirectory::Match); otherwise every
// matching group (GroupDirectory::List).
[[nodiscard]] Result<std::vector<const Group*>> QueryDirectory(
    const GroupDirectory& directory, const std::map<std::string, std::string>& parameters,
    int per_section = 0);

}  // namespace selvhjelp::plugin
