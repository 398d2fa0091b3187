#pragma once
// A small RFC 4180 CSV reader: comma-separated, "quoted" fields with "" for a quote, CRLF or LF.
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"

namespace selvhjelp::plugin {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> cells;
};

// InvalidArgument "line L: <what>" for an unterminated quoted field or text after a closing quote.
// Blank lines are skipped.
[[nodiscard]] Result<std::vector<CsvRow>> ReadCsv(std::string_view text);

}  // namespace selvhjelp::plugin
