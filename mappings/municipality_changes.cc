#include "mappings/municipality_changes.h"

#include <set>
#include <utility>

#include "fhir/json/json_file.h"
#include "mappings/geography.h"

namespace selvhjelp::mappings {

namespace {

constexpr std::string_view kHeader = "old,new,name,until";
constexpr std::string_view kSourcePrefix = "# source:";

// YYYY-MM-DD with a month 01-12 and a day 01-31.
bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!IsDigits(s.substr(0, 4), 4) || !IsDigits(s.substr(5, 2), 2) || !IsDigits(s.substr(8, 2), 2)) return false;
  const int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::vector<std::string> SplitCommas(const std::string& row) {
  std::vector<std::string> cells;
  for (size_t at = 0;;) {
    const size_t comma = row.find(',', at);
    cells.push_back(row.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) return cells;
    at = comma + 1;
  }
}

}  // namespace

Result<std::vector<MunicipalityChange>> ReadMunicipalityChanges(const std::filesystem::path& file) {
  Result<std::string> text = fhir::ReadTextFile(file);
  if (!text.ok()) return text.status();
  std::vector<std::string> problems;
  auto problem = [&](int line, std::string_view column, std::string_view what) {
    problems.push_back(file.string() + ":" + std::to_string(line) + ": " + std::string(column) + ": " + std::string(what));
  };
  std::vector<MunicipalityChange> changes;
  std::set<std::pair<std::string, std::string>> seen;
  bool has_source = false, has_header = false;
  int line = 0;
  for (size_t start = 0; start < text->size();) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string row = text->substr(start, end - start);
    start = end + 1;
    ++line;
    if (!row.empty() && row.back() == '\r') row.pop_back();
    if (row.empty()) continue;
    if (row[0] == '#') {
      if (!has_header && row.rfind(kSourcePrefix, 0) == 0 && row.size() > kSourcePrefix.size() + 1) has_source = true;
      continue;
    }
    if (!has_header) {
      if (!has_source) problem(line, "(file)", "expected a \"# source: ...\" line before the header");
      if (row != kHeader) problem(line, "(header)", "expected \"" + std::string(kHeader) + "\"");
      has_header = true;
      continue;
    }
    const std::vector<std::string> cells = SplitCommas(row);
    if (cells.size() != 4) {
      problem(line, "(line)", "expected 4 comma-separated cells: old,new,name,until");
      continue;
    }
    MunicipalityChange change{cells[0], cells[1], cells[2], cells[3], line};
    const size_t before = problems.size();
    if (!IsDigits(change.old_number, 4)) problem(line, "old", "expected a 4-digit municipality number");
    if (!IsDigits(change.new_number, 4)) problem(line, "new", "expected a 4-digit municipality number");
    if (change.new_name.empty()) problem(line, "name", "required: today's name of the new municipality");
    if (!IsDate(change.until)) problem(line, "until", "expected the last day the old number was used, YYYY-MM-DD");
    if (problems.size() == before && change.old_number == change.new_number) {
      problem(line, "new", "the same number as old: list only numbers that changed");
    }
    if (problems.size() == before && !seen.insert({change.old_number, change.new_number}).second) {
      problem(line, "old", "this change is listed twice");
    }
    if (problems.size() == before) changes.push_back(std::move(change));
  }
  if (!has_header) problem(line, "(header)", "expected \"" + std::string(kHeader) + "\" after a \"# source: ...\" line");
  if (problems.empty()) return changes;
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
  return InvalidArgumentError(message);
}

}  // namespace selvhjelp::mappings
