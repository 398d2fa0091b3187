#include "plugin/groups/group_csv_source.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "plugin/groups/csv_reader.h"
#include "plugin/groups/group_file_source.h"
#include "plugin/groups/seen_ids.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

constexpr const char* kColumns[] = {
    "id", "name", "organisation", "organisation_number", "themes", "audience", "twelve_step", "format", "languages",
    "rrule", "start_time", "duration", "address_line", "municipality", "postal_code", "city",
    "latitude", "longitude", "phone", "email", "website", "last_confirmed", "synthetic", "kind", "areas",
    "access", "min_age", "wheelchair", "temporarily_closed", "closed_from", "closed_until", "scope", "report_to"};
constexpr const char* kRequired[] = {"id", "name", "organisation", "themes", "audience", "format"};

JsonValue At(JsonValue value, int line) {
  value.set_line(line);
  return value;
}

// "a;b" -> ["a","b"] (trimmed, empty parts dropped).
JsonValue List(const std::string& cell, int line) {
  JsonValue list = At(JsonValue::Array(), line);
  size_t start = 0;
  while (start <= cell.size()) {
    size_t end = cell.find(';', start);
    if (end == std::string::npos) end = cell.size();
    std::string part = cell.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) list.Append(At(JsonValue::String(part), line));
    start = end + 1;
  }
  return list;
}

// yes/true -> true, no/false -> false; anything else stays a string (reported as not a boolean).
JsonValue Flag(const std::string& cell, int line) {
  if (cell == "yes" || cell == "true" || cell == "ja") return At(JsonValue::Bool(true), line);
  if (cell == "no" || cell == "false" || cell == "nei") return At(JsonValue::Bool(false), line);
  return At(JsonValue::String(cell), line);
}

// A decimal number as written, or the text (reported as not a number).
JsonValue Number(const std::string& cell, int line) { return At(NumberCell(cell), line); }

// The row as an object in the group file format, every value carrying the row's line.
JsonValue RowObject(const std::map<std::string, std::string>& cells, int line) {
  auto cell = [&cells](const char* name) -> const std::string& { return cells.at(name); };
  JsonValue g = At(JsonValue::Object(), line);
  for (const char* key : {"id", "name", "organisation", "audience", "format", "phone", "email", "website"}) {
    if (!cell(key).empty()) g.Set(key, At(JsonValue::String(cell(key)), line));
  }
  if (!cell("organisation_number").empty()) {
    g.Set("organisationNumber", At(JsonValue::String(cell("organisation_number")), line));
  }
  if (!cell("last_confirmed").empty()) g.Set("lastConfirmed", At(JsonValue::String(cell("last_confirmed")), line));
  if (!cell("themes").empty()) g.Set("themes", List(cell("themes"), line));
  if (!cell("languages").empty()) g.Set("languages", List(cell("languages"), line));
  if (!cell("twelve_step").empty()) g.Set("twelveStep", Flag(cell("twelve_step"), line));
  if (!cell("synthetic").empty()) g.Set("synthetic", Flag(cell("synthetic"), line));
  for (const auto& [column, key] : {std::pair<const char*, const char*>{"kind", "kind"}, {"access", "access"},
                                    {"closed_from", "closedFrom"}, {"closed_until", "closedUntil"}, {"scope", "scope"}, {"report_to", "reportTo"}}) {
    if (!cell(column).empty()) g.Set(key, At(JsonValue::String(cell(column)), line));
  }
  if (!cell("areas").empty()) g.Set("areas", List(cell("areas"), line));
  if (!cell("min_age").empty()) g.Set("minAge", Number(cell("min_age"), line));
  if (!cell("wheelchair").empty()) g.Set("wheelchair", Flag(cell("wheelchair"), line));
  if (!cell("temporarily_closed").empty()) g.Set("temporarilyClosed", Flag(cell("temporarily_closed"), line));
  if (!cell("rrule").empty() || !cell("start_time").empty()) {
    JsonValue meeting = At(JsonValue::Object(), line);
    if (!cell("rrule").empty()) meeting.Set("rrule", At(JsonValue::String(cell("rrule")), line));
    if (!cell("start_time").empty()) meeting.Set("startTime", At(JsonValue::String(cell("start_time")), line));
    if (!cell("duration").empty()) meeting.Set("duration", At(JsonValue::String(cell("duration")), line));
    g.Set("meetings", At(JsonValue::Array(), line)).Append(std::move(meeting));
  }
  JsonValue address = At(JsonValue::Object(), line);
  if (!cell("address_line").empty()) address.Set("line", At(JsonValue::String(cell("address_line")), line));
  if (!cell("municipality").empty()) address.Set("municipality", At(JsonValue::String(cell("municipality")), line));
  if (!cell("postal_code").empty()) address.Set("postalCode", At(JsonValue::String(cell("postal_code")), line));
  if (!cell("city").empty()) address.Set("city", At(JsonValue::String(cell("city")), line));
  if (!cell("latitude").empty()) address.Set("latitude", Number(cell("latitude"), line));
  if (!cell("longitude").empty()) address.Set("longitude", Number(cell("longitude"), line));
  if (!address.members().empty()) g.Set("address", std::move(address));
  return g;
}

}  // namespace

Result<std::vector<Group>> LoadGroupCsv(const std::filesystem::path& file, const std::string& source) {
  SELVHJELP_ASSIGN_OR_RETURN(std::string text, fhir::ReadTextFile(file));
  return ParseGroupCsv(text, file.string(), source);
}

Result<std::vector<Group>> ParseGroupCsv(std::string_view text, const std::string& where, const std::string& source) {
  fhir::DataProblems p(where);
  const JsonValue at_header = At(JsonValue(), 1);
  const std::set<std::string> known(std::begin(kColumns), std::end(kColumns));
  std::vector<std::string> header;
  bool header_ok = false;
  std::vector<Group> groups;
  SeenIds ids;
  // Rows are converted as they are read: a large file never exists as rows in memory.
  Status read = ReadCsv(text, [&](CsvRow row) {
    if (header.empty()) {
      header = std::move(row.cells);
      for (const std::string& column : header) {
        if (!known.count(column)) p.Add(at_header, column, "unknown column");
      }
      for (const char* required : kRequired) {
        if (std::find(header.begin(), header.end(), required) == header.end()) {
          p.Add(at_header, required, "required column missing");
        }
      }
      header_ok = p.empty();
      return;
    }
    if (!header_ok) return;
    if (row.cells.size() != header.size()) {
      p.Add(At(JsonValue(), row.line), "(row)",
            "has " + std::to_string(row.cells.size()) + " cells; the header has " + std::to_string(header.size()));
      return;
    }
    std::map<std::string, std::string> cells;
    for (const char* column : kColumns) cells[column];
    for (size_t c = 0; c < header.size(); ++c) cells[header[c]] = std::move(row.cells[c]);
    std::optional<Group> g = ReadGroupFields(RowObject(cells, row.line), "", p, source);
    if (!g) return;
    if (!ids.Add(g->id)) {
      p.Add(At(JsonValue(), row.line), "id", "duplicate id in this source");
      return;
    }
    groups.push_back(std::move(*g));
  });
  if (!read.ok()) return InvalidArgumentError(where + ":" + read.message().substr(5));
  if (header.empty()) p.Add(at_header, "(header)", "the file is empty; the first row names the columns");
  SELVHJELP_RETURN_IF_ERROR(p.ToStatus());
  return groups;
}

}  // namespace selvhjelp::plugin
