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

// The record's Communication (profile selvhjelp-information-communication): who was informed, at
// which level, what the patient answered, which groups were named. `procedure_url`, when not
// empty, is the Procedure it is partOf. The document write-back keeps it contained.
fhir::JsonValue RecordCommunication(const InformationRecord& record, const std::string& procedure_url);

// The transaction Bundle for `record` (its groups already resolved).
fhir::JsonValue BuildRecordBundle(const InformationRecord& record, const BundleContext& context);

}  // namespace selvhjelp::plugin
