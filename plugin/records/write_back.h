#pragma once
// WriteBackMode: how records reach the EHR, chosen per EHR with records.writeBack and made once
// at start-up (MakeWriteBackMode). Each mode builds what the outbox keeps for a record and says
// whether it is to be delivered and what the EHR must be able to do for that:
//   communication  today's transaction: Communication, Procedure, Consent, Provenance
//                  (record_bundle.h), for EHRs that take Communications (Epic, most FHIR servers)
//   document       a DocumentReference with the note as PDF (a Binary) and text/plain, the
//                  structured record contained (document_bundle.h), for DIPS Arena and NAV's
//                  DocumentReference + Binary pattern
//   none           nothing is sent: the record stays in our store (state "stored"), kept as the
//                  communication transaction so nothing is lost if it is ever wanted
// Delivery (record_delivery.h) and the reading of the EHR's answer (transaction_response.h) do
// not depend on the mode: they go by what was committed, so a record stored under one mode is
// still delivered and judged as it was built after the mode changes.
#include <memory>
#include <string>
#include <vector>

#include "config/service_config.h"
#include "fhir/base/result.h"
#include "mappings/record_codes.h"
#include "mappings/text_catalog.h"
#include "plugin/records/information_record.h"

namespace selvhjelp::plugin {

// What the outbox keeps for one record.
struct WriteBackPayload {
  std::string bundle_json;  // the transaction (also kept when not delivered)
  bool deliver = true;      // false: committed as "stored", never sent
};

// A FHIR interaction the EHR must allow for a mode to work ("create" of "DocumentReference", or
// "transaction" with an empty type), as CapabilityStatement.rest names them. `purpose`, when not
// all records need it, is what it is for ("entered-in-error corrections").
struct NeededInteraction {
  std::string type;
  std::string interaction;
  std::string purpose = {};  // empty: every record needs it
};

class WriteBackMode {
 public:
  virtual ~WriteBackMode() = default;
  // "communication", "document" or "none".
  virtual std::string_view name() const = 0;
  // The outbox payload for `record` (groups resolved), built at `now_seconds`.
  virtual Result<WriteBackPayload> Build(const InformationRecord& record, int64_t now_seconds) const = 0;
  // What the EHR must allow for this mode (none: nothing).
  virtual std::vector<NeededInteraction> Needs() const = 0;
};

// The mode `records.writeBack` names. `codes` and `note_texts` must outlive it. InvalidArgument
// "records.document.language: ..." when the document mode's language has no note texts.
Result<std::unique_ptr<WriteBackMode>> MakeWriteBackMode(const config::RecordsConfig& records,
                                                         const mappings::RecordCodes* codes,
                                                         const mappings::TextCatalog* note_texts);

}  // namespace selvhjelp::plugin
