#pragma once
// The values the ledger keeps (plugin/store/ledger.h) and its backends store: cards shown,
// feedback received, the latest outcome per patient and recipient, and group source snapshots.
#include <cstdint>
#include <optional>
#include <string>

namespace selvhjelp::plugin {

struct CardIssued {
  std::string card_uuid;
  std::string service_id;
  std::string subject_key;  // SubjectKey(fhirServer, patientId)
  std::string encounter_id;
  std::string recipient;  // "patient" or "relatives"
  int64_t issued_at = 0;  // seconds since the epoch
};

struct FeedbackEntry {
  std::string card_uuid;
  std::string outcome;  // accepted | overridden
  std::string accepted_suggestions;  // suggestion uuids, comma-separated, sorted
  std::string override_code;         // our override-reason code, or empty
  std::string outcome_timestamp;     // as sent (RFC 3339)
  bool has_user_comment = false;     // the comment itself is never stored (it may hold PHI)
};

// What the store knows about the latest outcome for one patient and recipient kind.
struct LocalOutcome {
  std::string outcome;        // accepted | overridden
  std::string override_code;  // when overridden
  std::string encounter_id;
  int64_t at = 0;             // when we received it (seconds since the epoch)
};

// Of the latest feedback (`feedback`, the ledger's) and the latest record (the outbox's) for one
// patient and recipient, the one the hook goes by, left in `feedback`: the record when it is
// strictly later (on a tie, the feedback).
inline void TakeLaterRecord(std::optional<LocalOutcome>& feedback, std::optional<LocalOutcome> record) {
  if (record && (!feedback || feedback->at < record->at)) feedback = std::move(record);
}

// The last good content of a group source.
struct SourceSnapshot {
  int64_t saved_at = 0;
  std::string groups_json;
  // A store shared by several instances: the content's version (it changes with each new content
  // saved by FinishSourceRead) and the source's validators for it (ETag, Last-Modified), so any
  // instance can make the next read conditional. 0 and empty otherwise.
  int64_t version = 0;
  std::string etag, last_modified;
};

// How one read of a group source ended, as the instance that read it tells the others sharing
// the store (LedgerBackend::FinishSourceRead). Times are seconds since the epoch.
struct SourceReadReport {
  int64_t attempted_at = 0;
  int64_t next_read_at = 0;     // when the source is due to be read again
  std::string error;            // why the read failed or was refused; empty when it succeeded
  int64_t refused_groups = -1;  // >= 0: refused as a sudden shrink, having this many groups
  std::string rejected;         // records left out of the content, one line each
  // New content: the snapshot (groups_json) and its validators replace the stored ones.
  bool changed = false;
  std::string groups_json, etag, last_modified;
};

// What the store knows of a group source's reads, for the instances that did not read it: the
// latest report and the version of the stored snapshot.
struct SharedSourceState {
  int64_t version = 0;  // of the stored snapshot; 0 when none was saved through FinishSourceRead
  int64_t next_read_at = 0;
  int64_t attempted_at = 0;  // 0: never read
  int64_t succeeded_at = 0;  // the latest read that succeeded; 0: none
  std::string error;
  int64_t refused_groups = -1;
  std::string rejected;
};

// The answer to LedgerBackend::ClaimSourceRead.
struct SourceReadClaim {
  bool claimed = false;      // this process reads the source now, and reports with FinishSourceRead
  SharedSourceState shared;  // when not claimed: what the store holds
};

}  // namespace selvhjelp::plugin
