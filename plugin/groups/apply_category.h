#pragma once
// What a source's own code means for a group, applied (Meeting Guide types, HSDS taxonomy terms,
// other FHIR directories' codes: all through mappings::CategoryMap).
#include "mappings/category_map.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// Adds `meaning`'s themes and language to `g` (kept sorted and without repeats), and sets its
// audience, 12-step flag, and digital format (a group that also meets in person stays "both").
void ApplyCategory(const mappings::CategoryMeaning& meaning, Group& g);

}  // namespace selvhjelp::plugin
