#include "fhir/r4/coding.h"

namespace selvhjelp::fhir {

std::vector<Coding> CodingsOf(JsonRef codeable_concept) {
  std::vector<Coding> codings;
  AnyCoding(codeable_concept, [&codings](const CodingRef& c) {
    codings.push_back({std::string(c.system), std::string(c.code), std::string(c.display)});
    return false;
  });
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
