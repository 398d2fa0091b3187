#include "plugin/groups/apply_category.h"

#include <algorithm>

namespace selvhjelp::plugin {
namespace {

void InsertSorted(std::vector<std::string>& list, const std::string& value) {
  auto at = std::lower_bound(list.begin(), list.end(), value);
  if (at == list.end() || *at != value) list.insert(at, value);
}

}  // namespace

void ApplyCategory(const mappings::CategoryMeaning& meaning, Group& g) {
  for (const std::string& theme : meaning.themes) InsertSorted(g.themes, theme);
  if (!meaning.language.empty()) InsertSorted(g.languages, meaning.language);
  if (meaning.twelve_step) g.twelve_step = *meaning.twelve_step;
  if (meaning.audience == "person") g.audience = Audience::kPerson;
  if (meaning.audience == "relatives") g.audience = Audience::kRelatives;
  if (meaning.audience == "both") g.audience = Audience::kBoth;
  if (meaning.format == "digital" && g.format == Format::kInPerson) g.format = Format::kDigital;
  if (meaning.kind == "contact-point") g.kind = ListingKind::kContactPoint;
  if (meaning.kind == "meeting-group") g.kind = ListingKind::kMeetingGroup;
  if (meaning.access == "open") g.access = Access::kOpen;
  if (meaning.access == "closed") g.access = Access::kClosed;
  if (meaning.min_age > 0) g.min_age = meaning.min_age;
  if (meaning.wheelchair) g.wheelchair = true;
  if (meaning.temporarily_closed) g.temporarily_closed = true;
  if (meaning.national) g.national = true;
}

}  // namespace selvhjelp::plugin
