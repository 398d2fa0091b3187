#pragma once
// RunAudit: evaluates the measure over a FHIR Bulk Data export (a folder of NDJSON files, one
// resource per line, any file names) as a stream, in memory bounded by the partition size and
// not by the number of patients, and writes the reports.
#include <cstdint>
#include <filesystem>
#include <functional>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "plugin/audit/audit_rules.h"
#include "plugin/audit/audit_tally.h"
#include "plugin/audit/measure_report.h"

namespace selvhjelp::plugin {

struct AuditOutput {
  AuditTally tally;
  int64_t bytes = 0;      // NDJSON read
  int64_t resources = 0;  // lines read
  int partitions = 0;
  int threads = 0;
};

// Called now and then with the bytes read so far and in all.
using AuditProgress = std::function<void(int64_t done, int64_t total)>;

// Writes into `out_dir` (created): measure-report.json (summary), measure-report-subject-list.json,
// drilldown.csv (one row per patient-episode, grouped by patient in no meaningful order) and
// report.html. InvalidArgument
// "<file>:<line>: <what>" for a line that is not a FHIR resource; nothing is written then.
// `partition_bytes`: input per partition (memory use follows it, times `threads`); `threads`: 0 for
// one per core (at most 8). The outputs do not depend on either.
[[nodiscard]] Result<AuditOutput> RunAudit(const std::filesystem::path& bulk_dir, const std::filesystem::path& out_dir,
                                           const AuditRules& rules, const fhir::JsonValue& measure,
                                           const ReportPeriod& period, const AuditProgress& progress,
                                           int64_t partition_bytes = 64 << 20, int threads = 0);

// The drill-down's header and one row (RFC 4180 quoting).
std::string DrilldownHeader();
std::string DrilldownRow(const EpisodeResult& e);

}  // namespace selvhjelp::plugin
