#pragma once
// Groups from a Meeting Guide feed (code4recovery's JSON meeting list used by AA and other
// 12-step fellowships): weekly meetings with day, time, address or online link, and type codes.
#include <filesystem>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "mappings/geography.h"
#include "mappings/category_map.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

struct MeetingGuideSource {
  std::string name;                 // the source's name (Group::source)
  std::string organisation;         // the fellowship, e.g. "AA" (the feed does not say)
  std::vector<std::string> themes;  // e.g. {"alcohol"}
  const mappings::CategoryMap* types = nullptr;
  const mappings::Geography* geography = nullptr;  // places meetings: postal code, then city
};

// One group per meeting (slug = id). `day` 0-6 (Sunday = 0, or a list) and `time` become a weekly
// RRULE; `end_time` the duration; `attendance_option` online/hybrid/in_person/inactive the format
// (inactive meetings are left out); type codes the language, format and audience through the
// mapping table. InvalidArgument listing every problem as "file:line: [i].field: what", including
// in-person meetings whose postal code and city are both unknown.
[[nodiscard]] Result<std::vector<Group>> LoadMeetingGuide(const std::filesystem::path& file,
                                                          const MeetingGuideSource& source);

// The same from text already read (a feed's body); `where` names it in errors.
[[nodiscard]] Result<std::vector<Group>> ParseMeetingGuide(std::string_view text, const std::string& where,
                                                           const MeetingGuideSource& source);

}  // namespace selvhjelp::plugin
