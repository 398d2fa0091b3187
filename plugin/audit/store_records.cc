#include "plugin/audit/store_records.h"

#include "fhir/base/status_macros.h"
#include "fhir/r4/date_time.h"
#include "plugin/audit/audit_facts.h"

namespace selvhjelp::plugin {

Result<StoreRecords> StoreRecords::Load(const Outbox& outbox, std::function<std::string(std::string_view)> subject_key) {
  SELVHJELP_ASSIGN_OR_RETURN(std::vector<StoredRecord> records, outbox.Records(""));
  StoreRecords out;
  out.subject_key_ = std::move(subject_key);
  for (const StoredRecord& r : records) {
    if (r.status != kRecordActive) continue;
    const RecordFacts& f = r.facts;
    // The day as the EHR's Communication.sent gives it (the date written, not UTC's).
    const std::optional<int64_t> day = fhir::EpochDay(f.sent);
    if (!day) continue;
    std::string line = std::to_string(*day) + "\t" + (f.recipient == "patient" ? "1" : "0") + "\t" +
                       (f.recipient == "relatives" ? "1" : "0") + "\t" + std::to_string(LevelRank(f.level)) + "\t" +
                       f.response;
    out.lines_[f.subject_key].push_back(std::move(line));
    ++out.count_;
  }
  return out;
}

void StoreRecords::AppendFactLines(std::string_view patient_id, std::string& out) const {
  auto it = lines_.find(subject_key_(patient_id));
  if (it == lines_.end()) return;
  for (const std::string& line : it->second) {
    out.append("M\t").append(patient_id).append("\t").append(line).push_back('\n');
  }
}

}  // namespace selvhjelp::plugin
