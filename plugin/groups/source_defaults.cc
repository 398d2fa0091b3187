#include "plugin/groups/source_defaults.h"

namespace selvhjelp::plugin {

void ApplySourceDefaults(const config::GroupSourceConfig& source, std::vector<Group>& groups) {
  if (!source.national && source.report_to.empty()) return;
  for (Group& g : groups) {
    if (source.national) g.national = true;
    if (g.report_to.empty()) g.report_to = source.report_to;
  }
}

}  // namespace selvhjelp::plugin
