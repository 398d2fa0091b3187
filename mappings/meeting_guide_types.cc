#include "mappings/meeting_guide_types.h"

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"

namespace selvhjelp::mappings {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

Result<MeetingGuideTypes> MeetingGuideTypes::Load(const std::filesystem::path& file) {
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue root, fhir::ReadJsonFile(file));
  DataProblems p(file);
  MeetingGuideTypes table;
  p.RejectUnknown(root, "", {"description", "types"});
  if (const JsonValue* types = p.Object(root, "types", "", true)) {
    for (const auto& [code, meaning] : types->members()) {
      std::string field = FieldPath("types", code);
      if (!meaning.is_object()) {
        p.Add(meaning, field, "expected an object");
        continue;
      }
      p.RejectUnknown(meaning, field, {"language", "format", "audience", "description"});
      MeetingTypeMeaning m;
      m.language = p.String(meaning, "language", field, false).value_or("");
      m.format = p.String(meaning, "format", field, false).value_or("");
      m.audience = p.String(meaning, "audience", field, false).value_or("");
      if (!m.format.empty() && m.format != "digital" && m.format != "in-person") {
        p.Add(*meaning.Find("format"), FieldPath(field, "format"), "expected digital or in-person");
      }
      if (!m.audience.empty() && m.audience != "both" && m.audience != "relatives") {
        p.Add(*meaning.Find("audience"), FieldPath(field, "audience"), "expected both or relatives");
      }
      table.types_[code] = std::move(m);
    }
  }
  SELVHJELP_RETURN_IF_ERROR(p.ToStatus());
  return table;
}

const MeetingTypeMeaning* MeetingGuideTypes::Find(std::string_view code) const {
  auto it = types_.find(code);
  return it == types_.end() ? nullptr : &it->second;
}

}  // namespace selvhjelp::mappings
