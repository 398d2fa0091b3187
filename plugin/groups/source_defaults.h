#pragma once
// What a source's configuration says about all of its listings (groups.sources[].national and
// .reportTo), applied to the groups read from it.
#include <vector>

#include "config/service_config.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// With `national`, every group becomes a national service; with `report_to`, every group that
// does not name its own place to report wrong information gets the source's. Idempotent.
void ApplySourceDefaults(const config::GroupSourceConfig& source, std::vector<Group>& groups);

}  // namespace selvhjelp::plugin
