#pragma once
// The transaction that corrects the EHR's copy of a record marked entered-in-error: for every
// resource the record's own transaction wrote that has a `status` (Communication, Procedure,
// Consent, DocumentReference, whatever the write-back mode sent), a conditional PATCH on the
// same identifier that set it (its `ifNoneExist`) setting status to entered-in-error. Built from
// the original transaction alone, so it works for every write-back mode; resources without a
// status (Provenance, Binary) are left as they are. The patch is a JSON Patch in a Binary, as
// FHIR R4 prescribes for PATCH inside a transaction (http.html#patch). docs/records.md.
#include <string>
#include <string_view>

#include "fhir/base/result.h"

namespace selvhjelp::plugin {

// The correction transaction (JSON text) for `original_bundle` (a record's transaction as the
// outbox keeps it). InvalidArgument when it is not a transaction, or one of its resources with a
// status has no identifier to find it by.
Result<std::string> BuildCorrectionBundle(std::string_view original_bundle);

}  // namespace selvhjelp::plugin
