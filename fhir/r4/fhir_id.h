#pragma once
// FHIR logical ids.
#include <string_view>

namespace selvhjelp::fhir {

// True for a FHIR id: [A-Za-z0-9\-\.]{1,64}. Worth checking wherever an id goes into a URL.
bool IsFhirId(std::string_view id);

}  // namespace selvhjelp::fhir
