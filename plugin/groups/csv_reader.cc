#include "plugin/groups/csv_reader.h"

#include "fhir/json/json_reader.h"

namespace selvhjelp::plugin {

fhir::JsonValue NumberCell(const std::string& cell) {
  Result<fhir::JsonValue> number = fhir::ParseJson(cell);
  if (number.ok() && number->is_number()) return fhir::JsonValue::RawNumber(number->scalar_text());
  return fhir::JsonValue::String(cell);
}

Status ReadCsv(std::string_view text, const std::function<void(CsvRow row)>& on_row) {
  CsvRow row;
  std::string cell;
  int line = 1;
  row.line = 1;
  bool in_quotes = false, cell_was_quoted = false;
  auto end_cell = [&] {
    row.cells.push_back(std::move(cell));
    cell.clear();
    cell_was_quoted = false;
  };
  auto end_row = [&] {
    end_cell();
    bool blank = row.cells.size() == 1 && row.cells[0].empty();
    if (!blank) on_row(std::move(row));
    row = CsvRow();
    row.line = line;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    // No store or FHIR string can hold a NUL (PostgreSQL refuses the text outright).
    if (c == '\0') return InvalidArgumentError("line " + std::to_string(line) + ": a NUL character");
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        cell.push_back(c);
      }
      continue;
    }
    if (c == '"' && cell.empty() && !cell_was_quoted) {
      in_quotes = cell_was_quoted = true;
    } else if (cell_was_quoted && c != ',' && c != '\n' && c != '\r') {
      return InvalidArgumentError("line " + std::to_string(line) + ": text after a closing quote");
    } else if (c == ',') {
      end_cell();
    } else if (c == '\n') {
      ++line;
      end_row();
    } else if (c != '\r') {
      cell.push_back(c);
    }
  }
  if (in_quotes) return InvalidArgumentError("line " + std::to_string(row.line) + ": unterminated quoted field");
  if (!cell.empty() || !row.cells.empty()) end_row();
  return OkStatus();
}

}  // namespace selvhjelp::plugin
