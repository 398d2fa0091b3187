#pragma once
// The audit's self-contained HTML report: figures and charts (inline SVG, no scripts, no network)
// that an auditor can open offline and print. Counts only: no patient identifiers.
#include <string>

#include "plugin/audit/audit_tally.h"
#include "plugin/audit/measure_report.h"

namespace selvhjelp::plugin {

std::string AuditHtml(const AuditTally& tally, const ReportPeriod& period, const std::string& measure_title,
                      const std::string& unit_filter);

}  // namespace selvhjelp::plugin
