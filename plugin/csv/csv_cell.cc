#include "plugin/csv/csv_cell.h"

namespace selvhjelp::plugin {

namespace {

// [+-]digits[.digits]
bool IsPlainNumber(std::string_view v) {
  size_t i = (!v.empty() && (v[0] == '+' || v[0] == '-')) ? 1 : 0;
  size_t digits = 0, dots = 0;
  for (; i < v.size(); ++i) {
    if (v[i] >= '0' && v[i] <= '9') ++digits;
    else if (v[i] == '.' && dots == 0 && digits > 0) ++dots;
    else return false;
  }
  return digits > 0 && v.back() != '.';
}

bool LooksLikeFormula(std::string_view v) {
  if (v.empty()) return false;
  switch (v[0]) {
    case '=': case '+': case '-': case '@': case '\t': case '\r': return !IsPlainNumber(v);
    default: return false;
  }
}

}  // namespace

void AppendCsvCell(std::string& row, std::string_view value) {
  const bool formula = LooksLikeFormula(value);
  if (!formula && value.find_first_of(",\"\r\n") == std::string_view::npos) {
    row += value;
    return;
  }
  row.push_back('"');
  if (formula) row.push_back('\'');
  for (char c : value) {
    if (c == '"') row.push_back('"');
    row.push_back(c);
  }
  row.push_back('"');
}

}  // namespace selvhjelp::plugin
