#pragma once
// RecordService: takes a record of information given (POST /records, the $record-information
// operation), checks it, resolves the groups against the directory, builds what the write-back
// mode sends (write_back.h) and commits it to the outbox before answering. Delivery to the EHR happens after, in
// RecordDelivery. The same id sent again is answered from the store, never stored twice.
#include <functional>
#include <string>

#include "config/service_config.h"
#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "plugin/groups/live_directory.h"
#include "plugin/net/trace_context.h"
#include "plugin/records/record_delivery.h"
#include "plugin/records/write_back.h"
#include "plugin/store/ledger.h"
#include "plugin/store/outbox.h"

namespace selvhjelp::plugin {

struct RecordServiceDeps {
  const config::ServiceConfig* config;
  const WriteBackMode* write_back;  // records.writeBack: what a record becomes
  const LiveDirectory* directory;
  const Ledger* ledger;  // for the patient's subject key
  Outbox* outbox;
  RecordDelivery* delivery;  // woken after each commit; may be null (tests)
  std::function<int64_t()> clock_ms;
};

struct RecordReceipt {
  std::string id;
  bool created = false;  // false: this id was already stored with the same content
  OutboxEntry entry;     // its delivery state now
};

class RecordService {
 public:
  explicit RecordService(RecordServiceDeps deps) : deps_(std::move(deps)) {}

  // The JSON body of POST /records. InvalidArgument "<field>: <what>"; AlreadyExists when the id
  // is stored with different content; Unavailable when write-back is not configured. `trace`: of
  // the request that posts it (a new record's commit is logged with it, and its delivery carries
  // it: RecordDelivery::NoteTrace); empty: none.
  Result<RecordReceipt> Record(const fhir::JsonValue& body, const TraceContext& trace = {});
  // The Parameters of the $record-information operation; the same errors.
  Result<RecordReceipt> RecordParameters(const fhir::JsonValue& parameters, const TraceContext& trace = {});
  // The delivery state of record `id`; NotFound when this store has no such record.
  Result<OutboxEntry> State(const std::string& id);
  // Marks record `id` entered-in-error (a clinician's mistake) and queues the correction of the
  // EHR's copy (record_correction.h), committed before this returns: true when marked now, false
  // when it already was. NotFound when this store has no such record.
  Result<bool> EnterInError(const std::string& id);
  // Our store's records about patient `patient_id` ("123" or "Patient/123") of records.fhirServer (looked up by its subject
  // key), oldest first, entered-in-error ones included.
  Result<std::vector<StoredRecord>> RecordsOf(const std::string& patient_id);

 private:
  RecordServiceDeps deps_;
};

// The record's state as JSON for callers: {"id", "state", "attempts", "location"?, "lastError"?}.
fhir::JsonValue ReceiptJson(const OutboxEntry& entry);
// A stored record as JSON for callers: {"id", "sent", "recipient", "level", "response"?,
// "encounter"?, "groups": [{"id", "name"}], "status", "delivery"} (docs/app-api.md).
fhir::JsonValue StoredRecordJson(const StoredRecord& record);

}  // namespace selvhjelp::plugin
