#pragma once
// When and where a group meets, in plain words in the reader's language: one implementation for
// the clinician's card and the patient's handout, so both say the same thing.
#include <array>
#include <string>
#include <string_view>

#include "mappings/text_catalog.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// The words MeetingWords needs in one language (the keys weekday.XX, day.XX, ordinal.N and
// schedule.monthly), looked up once: the card writer keeps one per language, so a hook call
// looks nothing up. Precondition: texts.HasLanguage(language).
struct MeetingVocabulary {
  MeetingVocabulary(const mappings::TextCatalog& texts, std::string_view language);

  std::array<std::string, 7> weekdays;  // weekday.MO ... weekday.SU: "tirsdager"
  // schedule.monthly with {ordinal} and {day} filled in, by ordinal (1-5, then -1) and day
  // (MO ... SU): "andre tirsdag i måneden".
  std::array<std::array<std::string, 7>, 6> monthly;
};

// "tirsdager 19:00" for FREQ=WEEKLY;BYDAY=TU ("mandager, torsdager 19:00" for several days);
// "andre tirsdag i måneden 19:00" for FREQ=MONTHLY;BYDAY=2TU; the start time alone for a rule
// it cannot put in words.
std::string MeetingWords(const Meeting& meeting, const MeetingVocabulary& words);
// The same, looking the words up in `texts` (for a page or two of groups; a card writer keeps a
// MeetingVocabulary instead). Precondition: texts.HasLanguage(language).
std::string MeetingWords(const Meeting& meeting, std::string_view language, const mappings::TextCatalog& texts);

// "Storgata 1, Bergen" (or the city alone) for a group that meets in person and whose city is
// known; empty for online-only groups and unknown places.
std::string PlaceWords(const Group& group);

}  // namespace selvhjelp::plugin
