#pragma once
// The FHIR Measure the audit evaluates (fhir/conformance/Measure-selvhjelp-information.json,
// built into the binary) and the MeasureReports made from a tally.
#include <filesystem>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "plugin/audit/audit_tally.h"

namespace selvhjelp::plugin {

// The Measure shipped with this build.
const fhir::JsonValue& ShippedMeasure();

// InvalidArgument naming what is missing when `measure` is not a proportion measure with the
// groups (patients, relatives), populations and stratifiers this evaluator computes.
Status CheckMeasure(const fhir::JsonValue& measure);

struct ReportPeriod {
  std::string start, end;  // YYYY-MM-DD
  std::string generated;   // FHIR dateTime
  std::string language = "nb";  // of report.html: nb, nn or en
};

// A summary MeasureReport: counts and scores, overall and per stratum. No patient identifiers.
fhir::JsonValue SummaryReport(const fhir::JsonValue& measure, const AuditTally& tally, const ReportPeriod& period);

// Writes a subject-list MeasureReport to `file`: the summary, plus for each group a contained List
// of the patients in the denominator (not excluded) who were not informed, read from
// `not_informed` (one "Patient/<id>" per line per group file), streamed so its size does not
// depend on memory.
Status WriteSubjectListReport(const std::filesystem::path& file, const fhir::JsonValue& measure,
                              const AuditTally& tally, const ReportPeriod& period,
                              const std::filesystem::path& not_informed_patients,
                              const std::filesystem::path& not_informed_relatives);

}  // namespace selvhjelp::plugin
