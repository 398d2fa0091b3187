#pragma once
// StoreRecords: the information records of our own store, for `selvhjelp audit --store`: the
// same measure over the same episodes, with the records taken from our store instead of the
// EHR's Communications. Our store knows patients only by their salted subject key, so a record
// is found for each Patient of the export by computing that patient's key (docs/audit.md).
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/store/outbox.h"

namespace selvhjelp::plugin {

class StoreRecords {
 public:
  // The active records of `outbox` (entered-in-error ones left out); `subject_key` gives a
  // patient id's key (Ledger::SubjectKey with records.fhirServer).
  static Result<StoreRecords> Load(const Outbox& outbox, std::function<std::string(std::string_view)> subject_key);

  // Appends the record fact lines (audit_facts.h, kind "M") of patient `patient_id`, each ending
  // in a newline, to `out`.
  void AppendFactLines(std::string_view patient_id, std::string& out) const;

  size_t size() const { return count_; }

 private:
  // Per subject key: each record's fact line after "M\t<patient>\t".
  std::unordered_map<std::string, std::vector<std::string>> lines_;
  std::function<std::string(std::string_view)> subject_key_;
  size_t count_ = 0;
};

}  // namespace selvhjelp::plugin
