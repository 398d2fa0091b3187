// The Meeting Guide feed source, with the shipped type codes and geography.
#include "plugin/groups/meeting_guide_source.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const plugin::MeetingGuideSource source{"fuzz", "AA", {"alcohol"}, &fuzz::Categories("meeting-guide-types.json"),
                                                 &fuzz::Geography()};
  (void)plugin::ParseMeetingGuide(fuzz::Text(data, size), "fuzz.json", source);
  return 0;
}
