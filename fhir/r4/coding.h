#pragma once
// FHIR Coding / CodeableConcept reading.
#include <string>
#include <vector>

#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

struct Coding {
  std::string system;
  std::string code;
  std::string display;
};

// The codings of a CodeableConcept (`{"coding": [...]}`); codings without a code are skipped.
std::vector<Coding> CodingsOf(const JsonValue& codeable_concept);

}  // namespace selvhjelp::fhir
