#pragma once
// A group as a FHIR R4 HealthcareService, for other systems that read the directory
// (GET /directory/groups, `selvhjelp directory export --format fhir`).
#include <string>
#include <vector>

#include "fhir/json/json_value.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// The HealthcareService for `group`:
//  - id from source and group id (FHIR id rules);
//  - themes as `type`; 12-step, format and audience as `characteristic`; languages as
//    `communication`;
//  - weekly meetings as `availableTime`; other rules (e.g. the 2nd Tuesday of the month, which
//    R4 cannot express) in `availabilityExceptions`, with the RRULE;
//  - the meeting place as a contained Location with the no-basis municipality code;
//  - synthetic groups tagged HTEST (v3 ActReason "test health data").
fhir::JsonValue ToHealthcareService(const Group& group);

// A FHIR id made from `text`: characters outside [A-Za-z0-9.-] become '-', at most 64.
std::string FhirIdFrom(const std::string& text);

// The group's HealthcareService id: how records, the directory and the app name a group.
std::string HealthcareServiceId(const Group& group);

// A Bundle of HealthcareService entries: type "searchset" (with search.mode match) or
// "collection"; fullUrl = `base_url` + "/HealthcareService/" + id.
fhir::JsonValue HealthcareServiceBundle(const std::vector<const Group*>& groups,
                                        const std::string& type, const std::string& base_url);

}  // namespace selvhjelp::plugin
