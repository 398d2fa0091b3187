#pragma once
// What a source's own code means for a group, applied (Meeting Guide types, HSDS taxonomy terms,
// other FHIR directories' codes: all through mappings::CategoryMap).
#include "mappings/category_map.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// Adds `meaning`'s themes and language to `g` (kept sorted and without repeats), and sets its
// audience, 12-step flag, and digital format (a group that also meets in person stays "both");
// its listing kind, open/closed and age limit when the code says them; wheelchair access,
// temporarily closed and national scope when the code says they hold (a code never clears them).
void ApplyCategory(const mappings::CategoryMeaning& meaning, Group& g);

}  // namespace selvhjelp::plugin
