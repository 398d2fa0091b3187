#pragma once
// AuditRules: what makes an episode, a unit and a record for the compliance measure, and the
// period and unit asked about. docs/audit.md states the same rules for someone building a test
// export by hand.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mappings/diagnosis_table.h"

namespace selvhjelp::plugin {

class StoreRecords;

struct AuditRules {
  const mappings::DiagnosisTable* diagnoses = nullptr;  // qualifying Condition / reason codes
  std::set<std::pair<std::string, std::string>> episode_types;  // qualifying EpisodeOfCare.type codings
  std::map<std::string, std::string> unit_names;  // reference -> name; empty: every unit counts
  int transferred_out_days = 7;
  int64_t from_day = 0, to_day = 0;  // the period, inclusive (days since 1970-01-01)
  std::string unit;                  // only this unit (reference or name); empty: all
  // When set, the information records come from our store (audit --store): the export's
  // Communications are ignored and each Patient's records are added from here.
  const StoreRecords* store_records = nullptr;
};

}  // namespace selvhjelp::plugin
