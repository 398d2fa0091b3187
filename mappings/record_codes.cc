#include "mappings/record_codes.h"

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"

namespace selvhjelp::mappings {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

namespace {

std::optional<fhir::Coding> ReadCoding(const JsonValue& value, const std::string& field, DataProblems& p) {
  if (!value.is_object()) {
    p.Add(value, field, "expected a Coding object");
    return std::nullopt;
  }
  p.RejectUnknown(value, field, {"system", "code", "display"});
  auto system = p.String(value, "system", field, true);
  auto code = p.String(value, "code", field, true);
  auto display = p.String(value, "display", field, true);
  if (!system || !code || !display) return std::nullopt;
  return fhir::Coding{*system, *code, *display};
}

}  // namespace

Result<RecordCodes> RecordCodes::Load(const std::filesystem::path& file) {
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue root, fhir::ReadJsonFile(file));
  DataProblems p(file);
  RecordCodes codes;
  p.RejectUnknown(root, "", {"description", "procedure"});
  if (const JsonValue* procedure = p.Object(root, "procedure", "", true)) {
    p.RejectUnknown(*procedure, "procedure", {"category", "code"});
    if (const JsonValue* category = p.Object(*procedure, "category", "procedure", true)) {
      if (auto c = ReadCoding(*category, "procedure.category", p)) codes.procedure_category = *c;
    }
    if (const JsonValue* by_level = p.Object(*procedure, "code", "procedure", true)) {
      p.RejectUnknown(*by_level, "procedure.code", {"conversation", "brokered"});
      for (const char* level : {"conversation", "brokered"}) {
        const std::string field = FieldPath("procedure.code", level);
        const JsonValue* list = p.Array(*by_level, level, "procedure.code", true);
        if (list == nullptr) continue;
        if (list->items().empty()) p.Add(*list, field, "needs at least one Coding");
        for (size_t i = 0; i < list->items().size(); ++i) {
          if (auto c = ReadCoding(list->items()[i], FieldPath(field, i), p)) {
            codes.procedure_codes[level].push_back(std::move(*c));
          }
        }
      }
    }
  }
  SELVHJELP_RETURN_IF_ERROR(p.ToStatus());
  return codes;
}

}  // namespace selvhjelp::mappings
