#pragma once
// The CapabilityStatement of the directory as a small read-only FHIR R4 server
// (GET /directory/metadata): HealthcareService with read (ETag, If-None-Match) and search-type,
// with the search parameters of ServiceSearchParameters (directory_query.h).
#include <string>

#include "fhir/json/json_value.h"

namespace selvhjelp::plugin {

// `base_url`: the directory's FHIR base ("https://host:port/directory"); `date`: a FHIR dateTime
// for CapabilityStatement.date (when the service started).
fhir::JsonValue DirectoryCapabilityStatement(const std::string& base_url, const std::string& date);

}  // namespace selvhjelp::plugin
