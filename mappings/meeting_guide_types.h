#pragma once
// MeetingGuideTypes: what a Meeting Guide type code says about a group (language, format,
// audience), as data in mappings/data/meeting-guide-types.json. Immutable; thread-safe to read.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "fhir/base/result.h"

namespace selvhjelp::mappings {

struct MeetingTypeMeaning {
  std::string language;  // BCP 47, or empty
  std::string format;    // "digital", "in-person", or empty
  std::string audience;  // "both", "relatives", or empty
};

class MeetingGuideTypes {
 public:
  // InvalidArgument listing every problem as "file:line: field: what".
  static Result<MeetingGuideTypes> Load(const std::filesystem::path& file);
  // The meaning of `code`, or nullptr for a code the table does not list.
  const MeetingTypeMeaning* Find(std::string_view code) const;

 private:
  std::map<std::string, MeetingTypeMeaning, std::less<>> types_;
};

}  // namespace selvhjelp::mappings
