#pragma once
// The audit's self-contained HTML report: figures and charts (inline SVG, no scripts, no network)
// that an auditor can open offline and print. Counts only: no patient identifiers.
#include <string>

#include "plugin/audit/audit_report_texts.h"
#include "plugin/audit/audit_tally.h"
#include "plugin/audit/measure_report.h"

namespace selvhjelp::plugin {

// The report in the language of `texts` (AuditReportTextsFor(period.language)); `unit_filter`: the
// one unit asked about, or empty.
std::string AuditHtml(const AuditTally& tally, const ReportPeriod& period, const std::string& unit_filter,
                      const AuditReportTexts& texts);

}  // namespace selvhjelp::plugin
