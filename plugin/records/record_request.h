#pragma once
// Reading a record of information given from what callers send: the JSON body of POST /records
// and the Parameters of the FHIR operation $record-information (docs/records.md).
#include <cstddef>
#include <cstdint>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "plugin/records/information_record.h"

namespace selvhjelp::plugin {

// Validates `body` and returns the record (groups not yet resolved). InvalidArgument with one
// issue per bad field (expression = the field, diagnostics "<field>: <what>", code "required"
// for a missing one); more than `max_groups` groups is one issue on `groups`. `now_seconds`
// fills a missing `sent` and bounds it (not more than 5 minutes ahead). A missing `id` (and
// `suggestion`) gets a new UUID.
[[nodiscard]] Result<InformationRecord> ParseRecordRequest(const fhir::JsonValue& body, int64_t now_seconds,
                                                           size_t max_groups);

// The same record given as a FHIR Parameters resource: each parameter named as the JSON field
// (`group` and `recipient` may repeat), with valueReference, valueCode, valueDateTime, valueId
// or valueString. Returns the JSON body form; InvalidArgument "parameter[i]: <what>".
[[nodiscard]] Result<fhir::JsonValue> RecordRequestFromParameters(const fhir::JsonValue& parameters);

}  // namespace selvhjelp::plugin
