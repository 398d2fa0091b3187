#pragma once
// RecordFacts: what our store keeps about each record of information given, beside the
// transaction the outbox sends: when, to whom, how, the patient's response, the groups and the
// record's status. Written in the same transaction as the outbox row (so a record answered 202 is
// queryable), read back by patient (the salted subject key, never the id), so the hooks, the app
// and `selvhjelp audit --store` can use our store as the system of record whatever the EHR holds.
// docs/records.md ("Our store is the system of record"). The tables are the backends' (SQLite:
// sqlite_outbox.cc; PostgreSQL: pg_schema.cc).
#include <cstdint>
#include <string>
#include <vector>

namespace selvhjelp::plugin {

struct RecordFacts {
  std::string record_id;
  std::string subject_key;   // Ledger::SubjectKey of the patient
  std::string recipient;     // "patient" or "relatives"
  std::string sent;          // FHIR dateTime as recorded
  int64_t sent_seconds = 0;  // the same, since the epoch
  std::string level;         // written | conversation | brokered
  std::string response;      // patient-response code, or empty
  std::string encounter_id;  // or empty
  std::vector<std::string> group_ids;    // the directory's identifiers ("source|id")
  std::vector<std::string> group_names;  // in the same order
};

// A record as the store holds it now.
struct StoredRecord {
  RecordFacts facts;
  std::string status;          // active | entered-in-error
  int64_t status_changed_ms = 0;  // entered-in-error: when it was marked
  std::string delivery;        // the outbox state of its transaction: pending | delivered | parked
};

inline constexpr const char* kRecordActive = "active";
inline constexpr const char* kRecordEnteredInError = "entered-in-error";

// How the group lists are kept in one text column: one item a line (identifiers and names hold no
// newline: they come from the directory, whose loaders refuse control characters; any that slip
// through become spaces). SplitLines(JoinLines(v)) == v for lists of non-empty items.
std::string JoinLines(const std::vector<std::string>& items);
std::vector<std::string> SplitLines(const std::string& text);

}  // namespace selvhjelp::plugin
