#pragma once
// The keys the handout and note writers read from mappings/data/handout/<language>.json, so a
// language file that lacks one fails at load instead of printing "[key]". Internal.
#include <string>
#include <vector>

namespace selvhjelp::plugin::handout_internal {

const std::vector<std::string>& RequiredHandoutKeys();

}  // namespace selvhjelp::plugin::handout_internal
