#include "fhir/r4/coding.h"

namespace selvhjelp::fhir {

std::vector<Coding> CodingsOf(const JsonValue& codeable_concept) {
  std::vector<Coding> codings;
  const JsonValue* list = codeable_concept.Find("coding");
  if (list == nullptr) return codings;
  for (const JsonValue& c : list->items()) {
    auto code = c.FindString("code");
    if (!code) continue;
    codings.push_back({std::string(c.FindString("system").value_or("")), std::string(*code),
                       std::string(c.FindString("display").value_or(""))});
  }
  return codings;
}

JsonValue MakeCoding(std::string_view system, std::string_view code, std::string_view display) {
  JsonValue c = JsonValue::Object();
  c.Set("system", system);
  c.Set("code", code);
  if (!display.empty()) c.Set("display", display);
  return c;
}

JsonValue MakeConcept(JsonValue coding) {
  JsonValue codeable = JsonValue::Object();
  codeable.Set("coding", JsonValue::Array()).Append(std::move(coding));
  return codeable;
}

}  // namespace selvhjelp::fhir
