#pragma once
// The transaction of the `document` write-back: the record as a journal document, the way DIPS
// Arena keeps notes and NAV asks EHRs to accept them (DocumentReference + Binary):
//   PUT  Binary/selvhjelp-<record id>   the note as application/pdf (the handout's renderer);
//                                       a client-assigned id, so a retry rewrites the same Binary
//   POST DocumentReference              ifNoneExist identifier=<kRecordSystem>|<record id>/document:
//                                       status current, docStatus final, type and category from
//                                       records.document, subject, author, custodian, date,
//                                       context.encounter; content[0] the PDF (url: the Binary),
//                                       content[1] the same note as text/plain; the structured
//                                       record (RecordCommunication) contained and named in
//                                       context.related, so nothing is lost for later use.
// Sending the same Bundle again creates nothing new. docs/records.md shows an example.
#include <cstdint>
#include <string>

#include "config/service_config.h"
#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "mappings/text_catalog.h"
#include "plugin/records/information_record.h"

namespace selvhjelp::plugin {

struct DocumentContext {
  const mappings::TextCatalog* note_texts;        // LoadHandoutTexts; has document->language
  const config::RecordDocumentConfig* document;   // type, category, custodian, language
  std::string fhir_server;                        // base URL: the Binary's absolute URL is under it
  int64_t now_seconds = 0;                        // DocumentReference.date
};

// The id of the record's Binary at the EHR ("selvhjelp-<record id>").
std::string NoteBinaryId(const InformationRecord& record);

// The transaction Bundle for `record` (its groups already resolved). InvalidArgument when the note
// cannot be rendered (no texts in the language); Internal when the PDF writer fails.
Result<fhir::JsonValue> BuildDocumentBundle(const InformationRecord& record, const DocumentContext& context);

}  // namespace selvhjelp::plugin
