#pragma once
// When and where a group meets, in plain words in the reader's language: one implementation for
// the clinician's card and the patient's handout, so both say the same thing.
#include <string>
#include <string_view>

#include "mappings/text_catalog.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// "tirsdager 19:00" for FREQ=WEEKLY;BYDAY=TU ("mandager, torsdager 19:00" for several days);
// "andre tirsdag i måneden 19:00" for FREQ=MONTHLY;BYDAY=2TU; the start time alone for a rule
// it cannot put in words. Reads the keys weekday.XX, day.XX, ordinal.N and schedule.monthly
// from `texts`. Precondition: texts.HasLanguage(language).
std::string MeetingWords(const Meeting& meeting, std::string_view language, const mappings::TextCatalog& texts);

// "Storgata 1, Bergen" (or the city alone) for a group that meets in person and whose city is
// known; empty for online-only groups and unknown places.
std::string PlaceWords(const Group& group);

}  // namespace selvhjelp::plugin
