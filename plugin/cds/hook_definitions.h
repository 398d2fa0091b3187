#pragma once
// The CDS services this plugin offers (one per hook) and the data each needs (prefetch).
#include <string>
#include <vector>

#include "fhir/json/json_value.h"

namespace selvhjelp::plugin {

struct PrefetchTemplate {
  std::string key;
  std::string query;  // relative FHIR URL with {{context.x}} / {{userPractitionerId}} tokens
  bool required;      // without it no decision can be made: 412 when it cannot be had
};

struct HookService {
  std::string id;    // {baseUrl}/cds-services/{id}
  std::string hook;  // patient-view | encounter-start | encounter-discharge
  std::string title;
  std::string description;
  std::vector<PrefetchTemplate> prefetch;
  bool encounter_required;  // the hook's context requires encounterId
};

const std::vector<HookService>& HookServices();
const HookService* FindHookService(std::string_view id);

// The discovery document: {"services": [...]}.
fhir::JsonValue DiscoveryDocument();

}  // namespace selvhjelp::plugin
