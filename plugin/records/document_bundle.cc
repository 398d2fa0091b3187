#include "plugin/records/document_bundle.h"

#include "fhir/base/status_macros.h"
#include "fhir/r4/base64_binary.h"
#include "fhir/r4/coding.h"
#include "fhir/r4/date_time.h"
#include "plugin/cds/card_builder.h"
#include "plugin/cds/vocabulary.h"
#include "plugin/handout/handout.h"
#include "plugin/records/bundle_parts.h"
#include "plugin/records/norwegian_ids.h"
#include "plugin/records/record_bundle.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

// The note: who was informed, how, what they answered, the groups, the clinician. Relatives are
// named by no more than "a relative": a reference's display may be a person's name.
JournalNote NoteOf(const InformationRecord& r, const DocumentContext& context) {
  JournalNote note;
  note.texts = context.note_texts;
  note.language = context.document->language;
  std::string when = SentInNorway(r).substr(0, 16);
  if (when.size() > 10) when[10] = ' ';
  note.date = when;
  note.patient_informed = !r.to_relatives;
  if (r.to_relatives) note.relative_roles.assign(r.recipients.size(), "");
  note.level = r.level;
  note.response = r.response;
  for (const GroupGiven& g : r.groups) note.groups.push_back(NamedGroup{g.name, g.organisation});
  note.practitioner_name = r.practitioner.display;
  if (r.practitioner.identifier_system == kHprSystem) note.practitioner_hpr = r.practitioner.identifier_value;
  return note;
}

JsonValue Coding(const config::DocumentCoding& c) {
  return fhir::MakeConcept(fhir::MakeCoding(c.system, c.code, c.display));
}

JsonValue Attachment(std::string_view content_type, std::string_view language, std::string_view title,
                     std::string_view creation) {
  JsonValue a = JsonValue::Object();
  a.Set("contentType", content_type);
  a.Set("language", language);
  a.Set("title", title);
  a.Set("creation", creation);
  return a;
}

}  // namespace

std::string NoteBinaryId(const InformationRecord& record) { return "selvhjelp-" + record.id; }

Result<JsonValue> BuildDocumentBundle(const InformationRecord& r, const DocumentContext& context) {
  const JournalNote note = NoteOf(r, context);
  SELVHJELP_ASSIGN_OR_RETURN(std::string pdf, RenderNotePdf(note));
  const std::string text = RenderNoteText(note);
  const std::string& language = context.document->language;
  const std::string title = context.note_texts->Get(language, "note.title");
  const std::string binary_url = context.fhir_server + "/Binary/" + NoteBinaryId(r);

  JsonValue bundle = JsonValue::Object();
  bundle.Set("resourceType", "Bundle");
  bundle.Set("type", "transaction");
  JsonValue& entries = bundle.Set("entry", JsonValue::Array());

  // The PDF: a PUT with the id we give it, idempotent on any server that allows client ids
  // (update as create), including those that cannot search Binary by tag.
  JsonValue binary = JsonValue::Object();
  binary.Set("resourceType", "Binary");
  binary.Set("id", NoteBinaryId(r));
  binary.Set("meta", bundle_parts::Meta(r, ""));
  binary.Set("contentType", "application/pdf");
  binary.Set("securityContext", bundle_parts::LiteralReference(r.patient.reference));
  binary.Set("data", fhir::Base64Encode(pdf));
  JsonValue& binary_entry = entries.Append(JsonValue::Object());
  binary_entry.Set("fullUrl", binary_url);
  binary_entry.Set("resource", std::move(binary));
  JsonValue& put = binary_entry.Set("request", JsonValue::Object());
  put.Set("method", "PUT");
  put.Set("url", "Binary/" + NoteBinaryId(r));

  JsonValue d = JsonValue::Object();
  d.Set("resourceType", "DocumentReference");
  d.Set("meta", bundle_parts::Meta(r, ""));
  JsonValue record = RecordCommunication(r, "");
  record.Set("id", "record");
  d.Set("contained", JsonValue::Array()).Append(std::move(record));
  d.Set("identifier", JsonValue::Array())
      .Append(bundle_parts::Identifier(vocabulary::kRecordSystem, r.id + "/document"));
  d.Set("status", "current");
  d.Set("docStatus", "final");
  d.Set("type", Coding(context.document->type));
  if (!context.document->category.code.empty()) {
    d.Set("category", JsonValue::Array()).Append(Coding(context.document->category));
  }
  d.Set("subject", bundle_parts::LiteralReference(r.patient.reference));
  d.Set("date", fhir::IsoInstant(context.now_seconds));
  d.Set("author", JsonValue::Array()).Append(bundle_parts::Reference(r.practitioner));
  if (!context.document->custodian.empty()) {
    d.Set("custodian", bundle_parts::LiteralReference(context.document->custodian));
  }
  d.Set("description", title);
  JsonValue& content = d.Set("content", JsonValue::Array());
  JsonValue pdf_attachment = Attachment("application/pdf", language, title, r.sent);
  pdf_attachment.Set("url", binary_url);
  pdf_attachment.Set("size", JsonValue::Int(static_cast<int64_t>(pdf.size())));
  content.Append(JsonValue::Object()).Set("attachment", std::move(pdf_attachment));
  JsonValue text_attachment = Attachment("text/plain; charset=utf-8", language, title, r.sent);
  text_attachment.Set("data", fhir::Base64Encode(text));
  content.Append(JsonValue::Object()).Set("attachment", std::move(text_attachment));
  JsonValue& doc_context = d.Set("context", JsonValue::Object());
  if (!r.encounter_id.empty()) {
    doc_context.Set("encounter", JsonValue::Array()).Append(bundle_parts::LiteralReference("Encounter/" + r.encounter_id));
  }
  JsonValue& period = doc_context.Set("period", JsonValue::Object());
  period.Set("start", r.sent);
  period.Set("end", r.sent);
  doc_context.Set("related", JsonValue::Array()).Append(bundle_parts::LiteralReference("#record"));
  // A placeholder for this transaction only, unlike every identifier value.
  bundle_parts::AddConditionalCreate(bundle, "urn:uuid:" + NewUuid(), std::move(d),
                                     bundle_parts::TokenQuery("identifier", vocabulary::kRecordSystem, r.id + "/document"));
  return bundle;
}

}  // namespace selvhjelp::plugin
