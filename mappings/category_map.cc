#include "mappings/category_map.h"

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"

namespace selvhjelp::mappings {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

Result<CategoryMap> CategoryMap::Load(const std::filesystem::path& file) {
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue root, fhir::ReadJsonFile(file));
  DataProblems p(file);
  CategoryMap table;
  p.RejectUnknown(root, "", {"description", "codes"});
  if (const JsonValue* codes = p.Object(root, "codes", "", true)) {
    for (const auto& [code, meaning] : codes->members()) {
      std::string field = FieldPath("codes", code);
      if (!meaning.is_object()) {
        p.Add(meaning, field, "expected an object");
        continue;
      }
      p.RejectUnknown(meaning, field, {"themes", "language", "format", "audience", "twelveStep", "kind", "access",
                                       "minAge", "wheelchair", "temporarilyClosed", "national", "description"});
      CategoryMeaning m;
      m.themes = p.Strings(meaning, "themes", field, false);
      m.language = p.String(meaning, "language", field, false).value_or("");
      m.format = p.String(meaning, "format", field, false).value_or("");
      m.audience = p.String(meaning, "audience", field, false).value_or("");
      m.twelve_step = p.Bool(meaning, "twelveStep", field);
      m.kind = p.String(meaning, "kind", field, false).value_or("");
      if (!m.kind.empty() && m.kind != "contact-point" && m.kind != "meeting-group") {
        p.Add(*meaning.Find("kind"), FieldPath(field, "kind"), "expected contact-point or meeting-group");
      }
      m.access = p.String(meaning, "access", field, false).value_or("");
      if (!m.access.empty() && m.access != "open" && m.access != "closed") {
        p.Add(*meaning.Find("access"), FieldPath(field, "access"), "expected open or closed");
      }
      m.min_age = static_cast<int>(p.Int(meaning, "minAge", field, false, 1, 120).value_or(0));
      m.wheelchair = p.Bool(meaning, "wheelchair", field).value_or(false);
      m.temporarily_closed = p.Bool(meaning, "temporarilyClosed", field).value_or(false);
      m.national = p.Bool(meaning, "national", field).value_or(false);
      if (!m.format.empty() && m.format != "digital" && m.format != "in-person") {
        p.Add(*meaning.Find("format"), FieldPath(field, "format"), "expected digital or in-person");
      }
      if (!m.audience.empty() && m.audience != "person" && m.audience != "both" && m.audience != "relatives") {
        p.Add(*meaning.Find("audience"), FieldPath(field, "audience"), "expected person, relatives or both");
      }
      table.codes_[code] = std::move(m);
    }
  }
  SELVHJELP_RETURN_IF_ERROR(p.ToStatus());
  return table;
}

const CategoryMeaning* CategoryMap::Find(std::string_view code) const {
  auto it = codes_.find(code);
  return it == codes_.end() ? nullptr : &it->second;
}

}  // namespace selvhjelp::mappings
