#include "plugin/groups/directory_read.h"

#include <cstdio>
#include <ctime>

#include "plugin/groups/healthcare_service.h"

namespace selvhjelp::plugin {

std::string HttpDate(int64_t seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday], utc.tm_mday,
                kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return out;
}

bool NoneMatchNames(std::string_view header, std::string_view etag) {
  const auto opaque = [](std::string_view tag) {
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  if (opaque(header) == "*") return true;
  const std::string_view wanted = opaque(etag);
  while (true) {
    const size_t comma = header.find(',');
    if (opaque(header.substr(0, comma)) == wanted) return true;
    if (comma == std::string_view::npos) return false;
    header.remove_prefix(comma + 1);
  }
}

Result<ServiceRead> ReadHealthcareService(const GroupDirectory& directory, const SourceConfirmations* confirmations,
                                          std::string_view id, std::string_view if_none_match) {
  const Group* group = directory.Find(id);
  if (group == nullptr) return NotFoundError("HealthcareService/" + std::string(id) + ": not in the directory");
  const Confirmation confirmation = confirmations ? confirmations->Of(group->source) : Confirmation{};
  ServiceRead read;
  read.resource = ToHealthcareService(*group, confirmation);
  const fhir::JsonValue* version = read.resource.FindPath({"meta", "versionId"});
  read.etag = "W/\"" + std::string(version ? version->AsString().value_or("") : "") + "\"";
  if (confirmation.at > 0) read.last_modified = HttpDate(confirmation.at);
  if (!if_none_match.empty() && NoneMatchNames(if_none_match, read.etag)) {
    read.not_modified = true;
    read.resource = fhir::JsonValue();
  }
  return read;
}

}  // namespace selvhjelp::plugin
