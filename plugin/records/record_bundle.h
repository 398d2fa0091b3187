#pragma once
// The FHIR transaction that writes one record of information given to the EHR: a Communication,
// for the conversation and brokered levels a Procedure it is partOf, for brokered contact a
// Consent, and a Provenance. Every entry is a conditional create (ifNoneExist on the record's
// stable identifiers), so sending the same Bundle again creates nothing new. docs/records.md
// shows an example and the rule behind each element.
#include <cstdint>
#include <string>

#include "fhir/json/json_value.h"
#include "mappings/record_codes.h"
#include "plugin/records/information_record.h"

namespace selvhjelp::plugin {

struct BundleContext {
  const mappings::RecordCodes* codes;
  std::string assembler_name;  // Provenance: the software that assembled the record
  int64_t now_seconds = 0;     // Provenance.recorded
};

// The transaction Bundle for `record` (its groups already resolved).
fhir::JsonValue BuildRecordBundle(const InformationRecord& record, const BundleContext& context);

}  // namespace selvhjelp::plugin
