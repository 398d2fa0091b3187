#include "plugin/records/write_back.h"

#include "fhir/json/json_writer.h"
#include "plugin/records/document_bundle.h"
#include "plugin/records/record_bundle.h"

namespace selvhjelp::plugin {

namespace {

// An entered-in-error correction (record_correction.h) PATCHes the status of what was written.
constexpr char kCorrections[] = "entered-in-error corrections";

class CommunicationWriteBack : public WriteBackMode {
 public:
  CommunicationWriteBack(const mappings::RecordCodes* codes, std::string assembler)
      : codes_(codes), assembler_(std::move(assembler)) {}
  std::string_view name() const override { return "communication"; }
  Result<WriteBackPayload> Build(const InformationRecord& record, int64_t now_seconds) const override {
    return WriteBackPayload{fhir::WriteJson(BuildRecordBundle(record, BundleContext{codes_, assembler_, now_seconds})),
                            true};
  }
  std::vector<NeededInteraction> Needs() const override {
    return {{"Communication", "create"}, {"Procedure", "create"}, {"Consent", "create"}, {"Provenance", "create"},
            {"", "transaction"}, {"Communication", "patch", kCorrections}, {"Procedure", "patch", kCorrections},
            {"Consent", "patch", kCorrections}};
  }

 private:
  const mappings::RecordCodes* codes_;
  const std::string assembler_;
};

// Keeps the communication transaction in the store (the structured record, as the other modes
// hold it) and sends nothing.
class NoWriteBack : public WriteBackMode {
 public:
  NoWriteBack(const mappings::RecordCodes* codes, std::string assembler) : kept_(codes, std::move(assembler)) {}
  std::string_view name() const override { return "none"; }
  Result<WriteBackPayload> Build(const InformationRecord& record, int64_t now_seconds) const override {
    Result<WriteBackPayload> payload = kept_.Build(record, now_seconds);
    if (payload.ok()) payload->deliver = false;
    return payload;
  }
  std::vector<NeededInteraction> Needs() const override { return {}; }

 private:
  const CommunicationWriteBack kept_;
};

class DocumentWriteBack : public WriteBackMode {
 public:
  DocumentWriteBack(const mappings::TextCatalog* texts, config::RecordDocumentConfig document, std::string fhir_server)
      : texts_(texts), document_(std::move(document)), fhir_server_(std::move(fhir_server)) {}
  std::string_view name() const override { return "document"; }
  Result<WriteBackPayload> Build(const InformationRecord& record, int64_t now_seconds) const override {
    Result<fhir::JsonValue> bundle = BuildDocumentBundle(record, DocumentContext{texts_, &document_, fhir_server_, now_seconds});
    if (!bundle.ok()) return bundle.status();
    return WriteBackPayload{fhir::WriteJson(*bundle), true};
  }
  std::vector<NeededInteraction> Needs() const override {
    return {{"DocumentReference", "create"}, {"Binary", "update"}, {"", "transaction"},
            {"DocumentReference", "patch", kCorrections}};
  }

 private:
  const mappings::TextCatalog* texts_;
  const config::RecordDocumentConfig document_;
  const std::string fhir_server_;
};

}  // namespace

Result<std::unique_ptr<WriteBackMode>> MakeWriteBackMode(const config::RecordsConfig& records,
                                                         const mappings::RecordCodes* codes,
                                                         const mappings::TextCatalog* note_texts) {
  if (records.write_back == "document") {
    if (note_texts == nullptr || !note_texts->HasLanguage(records.document.language)) {
      return FieldError("records.document.language",
                        "no note texts in '" + records.document.language + "' (mappings/handout/<language>.json)");
    }
    return std::unique_ptr<WriteBackMode>(new DocumentWriteBack(note_texts, records.document, records.fhir_server));
  }
  if (records.write_back == "none") return std::unique_ptr<WriteBackMode>(new NoWriteBack(codes, records.assembler_name));
  return std::unique_ptr<WriteBackMode>(new CommunicationWriteBack(codes, records.assembler_name));
}

}  // namespace selvhjelp::plugin
