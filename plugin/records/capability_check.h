#pragma once
// Whether the EHR's FHIR server says it can take what the chosen write-back mode sends: its
// CapabilityStatement (GET [base]/metadata) read once at start-up (logged) and by
// `selvhjelp check-config` (printed). Only ever a warning: a statement can be wrong or
// incomplete, and delivery itself judges every answer.
#include <string>
#include <vector>

#include "fhir/json/json_value.h"
#include "plugin/net/http_call.h"
#include "plugin/records/write_back.h"

namespace selvhjelp::plugin {

// What `statement` lacks of `needs`, one entry each ("DocumentReference create", "transaction",
// "Binary update (updateCreate is false)", "Consent patch (entered-in-error corrections)"). A statement that is not a CapabilityStatement or has
// no server `rest` lacks everything.
std::vector<std::string> CapabilityGaps(const fhir::JsonValue& statement, const std::vector<NeededInteraction>& needs);

// Reads `<fhir_server>/metadata` through `send` (at most 4 MiB, within the sender's timeout) and
// says in one line, for the log or the command line, whether `mode` can work there. Empty when
// the mode needs nothing. Never fails: a server that cannot be read is said so.
std::string CheckWriteBackCapability(const HttpSend& send, const std::string& fhir_server, const WriteBackMode& mode);

}  // namespace selvhjelp::plugin
