#pragma once
// A small RFC 4180 CSV reader: comma-separated, "quoted" fields with "" for a quote, CRLF or LF.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::plugin {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> cells;
};

// Hands each row to `on_row` as soon as it is complete (memory stays at one row). Blank lines are
// skipped. InvalidArgument "line L: <what>" for an unterminated quoted field, text after a
// closing quote, or a NUL character.
[[nodiscard]] Status ReadCsv(std::string_view text, const std::function<void(CsvRow row)>& on_row);

// A cell that is a JSON number as that number (keeping its text), anything else as a string, so a
// reader that expects a number reports the cell instead of taking "nan", "0x1p3" or "1e999".
fhir::JsonValue NumberCell(const std::string& cell);

}  // namespace selvhjelp::plugin
