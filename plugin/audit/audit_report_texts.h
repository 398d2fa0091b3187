#pragma once
// The words of the audit's HTML report (audit_html.h) in the languages the clinician app speaks:
// nb, nn and en. Placeholders in braces are filled by the report.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace selvhjelp::plugin {

struct AuditReportTexts {
  std::string html_lang;  // <html lang>
  bool decimal_comma = false;  // "67,8 %" (nb, nn) or "67.8 %" (en)
  std::string title;
  std::string intro;       // {start} {end} {unit} {generated}
  std::string unit_part;   // {unit}: ", enhet X"; empty when all units
  std::string group, episodes, excluded, informed, share_informed, patients, relatives_row;
  std::string compliance, by_unit, by_month, relatives_by_unit;
  std::string how, level_mix, response_mix;  // {whose}: `patients` or `relatives`
  std::string relatives;
  std::string of;  // "207 of 302": {n} {of}
  // (code, label) in the order the charts show them.
  std::vector<std::pair<std::string, std::string>> levels, responses;
  std::string note;
};

// The texts of `language`; nb for a language the report does not have.
const AuditReportTexts& AuditReportTextsFor(std::string_view language);

// Whether the report has texts in `language`.
bool HasAuditReportLanguage(std::string_view language);

}  // namespace selvhjelp::plugin
