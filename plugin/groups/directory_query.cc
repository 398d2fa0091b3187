#include "plugin/groups/directory_query.h"

#include "mappings/geography.h"

namespace selvhjelp::plugin {

Result<std::vector<const Group*>> QueryDirectory(const GroupDirectory& directory,
                                                 const std::map<std::string, std::string>& parameters,
                                                 int per_section) {
  std::string municipality, theme;
  Recipient recipient = Recipient::kPatient;
  for (const auto& [name, value] : parameters) {
    if (name == "municipality") {
      if (!mappings::IsDigits(value, 4)) return FieldError("municipality", "expected a 4-digit municipality number");
      municipality = value;
    } else if (name == "theme") {
      theme = value;
    } else if (name == "audience") {
      if (value != "person" && value != "relatives") return FieldError("audience", "expected person or relatives");
      recipient = value == "person" ? Recipient::kPatient : Recipient::kRelatives;
    } else {
      return FieldError(name, "unknown parameter (use municipality, theme, audience)");
    }
  }
  if (per_section > 0 && !municipality.empty()) {
    return directory.Match(municipality, recipient, per_section, theme).InOrder();
  }
  return directory.List(municipality, recipient, theme);
}

}  // namespace selvhjelp::plugin
