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

}  // namespace selvhjelp::fhir
