#pragma once
// Writing one CSV cell (RFC 4180) that a spreadsheet opens safely: every CSV file we write (the
// audit's drilldown.csv, the HSDS export) goes through this.
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

// Appends `value` to `row` as one cell. A value that starts with =, +, -, @, a tab or a carriage
// return, which a spreadsheet would take for a formula, gets a leading single quote (OWASP's
// "CSV injection" advice) unless it is a plain number such as -12.5 or +4722334455, which a
// spreadsheet reads as a number. A value holding a comma, quote, CR or LF (or neutralised) is
// quoted, with "" for each quote.
void AppendCsvCell(std::string& row, std::string_view value);

}  // namespace selvhjelp::plugin
