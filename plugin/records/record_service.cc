#include "plugin/records/record_service.h"

#include "fhir/base/status_macros.h"
#include "fhir/json/json_writer.h"
#include "plugin/auth/sha256.h"
#include "plugin/log.h"
#include "plugin/records/record_correction.h"
#include "plugin/records/record_request.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

// Resolves the record's HealthcareService ids against the directory (ids as GET
// /directory/groups gives them), naming every id it does not hold.
Status ResolveGroups(InformationRecord& record, const GroupDirectory& directory) {
  IssueCollector issues;
  for (size_t i = 0; i < record.group_ids.size(); ++i) {
    const Group* found = directory.Find(record.group_ids[i]);
    if (found == nullptr) {
      issues.Add(FieldIssue("groups[" + std::to_string(i) + "]", "no group with this id in the directory"));
      continue;
    }
    record.groups.push_back(GroupGiven{found->source + "|" + found->id, found->name, found->organisation});
  }
  return issues.ToStatus();
}

// What the record means for the next hook call (the same vocabulary as CDS Hooks feedback).
LocalOutcome OutcomeOf(const InformationRecord& record) {
  LocalOutcome outcome;
  if (record.response == "declined" || record.response == "already-attends") {
    outcome.outcome = "overridden";
    outcome.override_code = record.response;
  } else {
    outcome.outcome = "accepted";
  }
  outcome.encounter_id = record.encounter_id;
  outcome.at = record.sent_seconds;
  return outcome;
}

// What our store keeps about the record beside its transaction.
RecordFacts FactsOf(const InformationRecord& record) {
  RecordFacts facts;
  facts.sent = record.sent;
  facts.sent_seconds = record.sent_seconds;
  facts.level = record.level;
  facts.response = record.response;
  facts.encounter_id = record.encounter_id;
  for (const GroupGiven& g : record.groups) {
    facts.group_ids.push_back(g.identifier);
    facts.group_names.push_back(g.name);
  }
  return facts;
}

}  // namespace

Result<RecordReceipt> RecordService::Record(const JsonValue& body, const TraceContext& trace) {
  const config::RecordsConfig& cfg = deps_.config->records;
  if (cfg.fhir_server.empty()) {
    return UnavailableError("records: write-back is not configured (records.fhirServer)");
  }
  const int64_t now_ms = deps_.clock_ms();
  SELVHJELP_ASSIGN_OR_RETURN(InformationRecord record, ParseRecordRequest(body, now_ms / 1000, cfg.max_groups_per_record));
  SELVHJELP_RETURN_IF_ERROR(ResolveGroups(record, *deps_.directory->Current()));
  NewOutboxRecord entry;
  entry.record_id = record.id;
  // The body as given (a retry without `sent` or `id` fields hashes the same).
  JsonValue canonical = body;
  canonical.Erase("id");
  canonical.Erase("suggestion");
  entry.content_hash = Sha256Hex(fhir::WriteJson(canonical));
  SELVHJELP_ASSIGN_OR_RETURN(WriteBackPayload payload, deps_.write_back->Build(record, now_ms / 1000));
  entry.bundle_json = std::move(payload.bundle_json);
  entry.deliver = payload.deliver;
  entry.subject_key = deps_.ledger->SubjectKey(cfg.fhir_server, record.patient.reference.substr(8));
  entry.recipient = record.to_relatives ? "relatives" : "patient";
  entry.outcome = OutcomeOf(record);
  entry.created_ms = now_ms;
  entry.facts = FactsOf(record);
  SELVHJELP_ASSIGN_OR_RETURN(Outbox::Enqueued enqueued, deps_.outbox->Enqueue(entry));
  if (enqueued == Outbox::Enqueued::kNew && !trace.trace_id.empty()) {
    // The link from the request to the record's delivery (which may happen elsewhere, later).
    Log(LogLevel::kInfo, "record.committed", "record " + record.id + " committed", trace.trace_id, {{"record", record.id}});
    if (deps_.delivery != nullptr) deps_.delivery->NoteTrace(record.id, trace);
  }
  if (enqueued == Outbox::Enqueued::kNew && deps_.delivery != nullptr) deps_.delivery->Wake();
  SELVHJELP_ASSIGN_OR_RETURN(OutboxEntry state, State(record.id));
  return RecordReceipt{record.id, enqueued == Outbox::Enqueued::kNew, std::move(state)};
}

Result<RecordReceipt> RecordService::RecordParameters(const JsonValue& parameters, const TraceContext& trace) {
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue body, RecordRequestFromParameters(parameters));
  return Record(body, trace);
}

Result<OutboxEntry> RecordService::State(const std::string& id) {
  SELVHJELP_ASSIGN_OR_RETURN(std::optional<OutboxEntry> entry, deps_.outbox->Get(id));
  if (!entry) return NotFoundError("no record with this id");
  return *entry;
}

Result<bool> RecordService::EnterInError(const std::string& id) {
  SELVHJELP_ASSIGN_OR_RETURN(Outbox::Marked marked,
                             deps_.outbox->MarkEnteredInError(id, deps_.clock_ms(), BuildCorrectionBundle));
  if (marked == Outbox::Marked::kMarked && deps_.delivery != nullptr) deps_.delivery->Wake();
  return marked == Outbox::Marked::kMarked;
}

Result<std::vector<StoredRecord>> RecordService::RecordsOf(const std::string& patient_id) {
  const std::string id = patient_id.rfind("Patient/", 0) == 0 ? patient_id.substr(8) : patient_id;
  if (id.empty()) return RequiredFieldError("patient");
  return deps_.outbox->Records(deps_.ledger->SubjectKey(deps_.config->records.fhir_server, id));
}

JsonValue StoredRecordJson(const StoredRecord& record) {
  const RecordFacts& f = record.facts;
  JsonValue out = JsonValue::Object();
  out.Set("id", f.record_id);
  out.Set("sent", f.sent);
  out.Set("recipient", f.recipient);
  out.Set("level", f.level);
  if (!f.response.empty()) out.Set("response", f.response);
  if (!f.encounter_id.empty()) out.Set("encounter", "Encounter/" + f.encounter_id);
  JsonValue& groups = out.Set("groups", JsonValue::Array());
  for (size_t i = 0; i < f.group_ids.size(); ++i) {
    JsonValue& g = groups.Append(JsonValue::Object());
    g.Set("id", f.group_ids[i]);
    g.Set("name", i < f.group_names.size() ? f.group_names[i] : std::string());
  }
  out.Set("status", record.status);
  out.Set("delivery", record.delivery);
  return out;
}

JsonValue ReceiptJson(const OutboxEntry& entry) {
  JsonValue out = JsonValue::Object();
  out.Set("id", entry.record_id);
  out.Set("state", entry.state);
  out.Set("attempts", JsonValue::Int(entry.attempts));
  if (!entry.location.empty()) out.Set("location", entry.location);
  if (!entry.last_error.empty()) out.Set("lastError", entry.last_error);
  return out;
}

}  // namespace selvhjelp::plugin
