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
};

}  // namespace selvhjelp::plugin
