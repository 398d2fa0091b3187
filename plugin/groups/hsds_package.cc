#include "plugin/groups/hsds_package.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "fhir/json/json_writer.h"
#include "plugin/csv/csv_cell.h"
#include "plugin/groups/csv_reader.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

struct Table {
  const char* name;
  std::vector<const char*> columns;
};

const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = {
      {"organizations", {"id", "name", "description"}},
      {"services", {"id", "organization_id", "name", "description", "url", "email", "status", "assured_date"}},
      {"locations", {"id", "location_type", "name", "latitude", "longitude"}},
      {"addresses", {"id", "location_id", "address_1", "city", "postal_code", "country", "address_type"}},
      {"service_at_locations", {"id", "service_id", "location_id"}},
      {"schedules", {"id", "service_id", "freq", "interval", "byday", "opens_at", "closes_at"}},
      {"languages", {"id", "service_id", "code"}},
      {"phones", {"id", "service_id", "number"}},
      {"taxonomy_terms", {"id", "code", "name"}},
      {"attributes", {"id", "link_id", "link_type", "link_entity", "taxonomy_term_id"}},
  };
  return tables;
}

std::string RuleValue(const std::string& rrule, const std::string& name) {
  std::string key = name + "=";
  size_t at = rrule.find(key);
  if (at == std::string::npos) return {};
  size_t end = rrule.find(';', at);
  return rrule.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
}

// opens_at + duration; empty when either is not what the sources check at import.
std::string ClosesAt(const Meeting& m) {
  std::optional<int> start = MinutesOfDay(m.start_time), duration = DurationMinutes(m.duration);
  if (!start || !duration) return {};
  const int minutes = *start + *duration;
  char out[8];
  std::snprintf(out, sizeof out, "%02d:%02d", (minutes / 60) % 24, minutes % 60);
  return out;
}

// Rows of one table as column -> value maps, with the line each row starts on.
struct Row {
  int line;
  std::map<std::string, std::string> cells;
};

Result<std::vector<Row>> ReadTable(const std::filesystem::path& file, std::string_view text, const Table& table) {
  std::vector<std::string> header;
  std::vector<Row> rows;
  std::string problem;
  Status read = ReadCsv(text, [&](CsvRow row) {
    if (header.empty()) {
      header = std::move(row.cells);
      for (const char* column : table.columns) {
        if (std::find(header.begin(), header.end(), column) == header.end() && problem.empty()) {
          problem = file.string() + ":1: " + column + ": required column missing";
        }
      }
      return;
    }
    Row r{row.line, {}};
    for (size_t c = 0; c < header.size(); ++c) r.cells[header[c]] = c < row.cells.size() ? std::move(row.cells[c]) : "";
    rows.push_back(std::move(r));
  });
  if (!read.ok()) return InvalidArgumentError(file.string() + ":" + read.message().substr(5));
  if (!problem.empty()) return InvalidArgumentError(problem);
  if (header.empty()) return InvalidArgumentError(file.string() + ":1: expected a header row");
  return rows;
}

JsonValue Str(const std::string& s) { return JsonValue::String(s); }


}  // namespace

Status WriteHsdsPackage(const std::vector<const Group*>& groups, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::map<std::string, std::vector<std::vector<std::string>>> rows;
  std::map<std::string, std::string> organizations;  // name -> id
  std::set<std::string> terms;
  for (const Group* g : groups) {
    const std::string id = g->source + "-" + g->id;
    auto [org, added] = organizations.try_emplace(g->organisation, "org-" + std::to_string(organizations.size() + 1));
    if (added) rows["organizations"].push_back({org->second, g->organisation, g->organisation});
    rows["services"].push_back({id, org->second, g->name, g->name, g->website, g->email, "active", g->last_confirmed});
    if (MeetsInPerson(*g)) {
      const std::string location = "loc-" + id;
      rows["locations"].push_back({location, "physical", g->name,
                                   g->address.latitude ? std::to_string(*g->address.latitude) : "",
                                   g->address.longitude ? std::to_string(*g->address.longitude) : ""});
      rows["addresses"].push_back({"adr-" + id, location, g->address.line, g->address.city, g->address.postal_code, "NO", "physical"});
      rows["service_at_locations"].push_back({"sal-" + id, id, location});
    }
    for (size_t i = 0; i < g->meetings.size(); ++i) {
      const Meeting& m = g->meetings[i];
      rows["schedules"].push_back({"sch-" + id + "-" + std::to_string(i), id, RuleValue(m.rrule, "FREQ"),
                                   RuleValue(m.rrule, "INTERVAL"), RuleValue(m.rrule, "BYDAY"), m.start_time, ClosesAt(m)});
    }
    for (const std::string& language : g->languages) rows["languages"].push_back({"lng-" + id + "-" + language, id, language});
    if (!g->phone.empty()) rows["phones"].push_back({"phn-" + id, id, g->phone});
    std::vector<std::string> codes;
    for (const std::string& theme : g->themes) codes.push_back("self-help-" + theme);
    // After the themes, so the audience term has the last word.
    if (g->audience == Audience::kRelatives) codes.push_back("audience-relatives");
    if (g->audience == Audience::kBoth) codes.push_back("audience-both");
    if (g->twelve_step) codes.push_back("twelve-step");
    if (g->format == Format::kDigital) codes.push_back("online");
    for (const std::string& code : codes) {
      if (terms.insert(code).second) rows["taxonomy_terms"].push_back({"term-" + code, code, code});
      rows["attributes"].push_back({"att-" + id + "-" + code, id, "service", "service", "term-" + code});
    }
  }
  JsonValue package = JsonValue::Object();
  package.Set("name", "selvhjelp-directory");
  package.Set("profile", "tabular-data-package");
  JsonValue& resources = package.Set("resources", JsonValue::Array());
  for (const Table& table : Tables()) {
    std::ofstream out(dir / (std::string(table.name) + ".csv"), std::ios::binary);
    for (size_t c = 0; c < table.columns.size(); ++c) out << (c ? "," : "") << table.columns[c];
    out << "\n";
    std::string line;
    for (const auto& row : rows[table.name]) {
      line.clear();
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) line.push_back(',');
        AppendCsvCell(line, row[c]);
      }
      out << line << "\n";
    }
    if (!out) return UnavailableError((dir / table.name).string() + ".csv: cannot be written");
    JsonValue& resource = resources.Append(JsonValue::Object());
    resource.Set("name", table.name);
    resource.Set("path", std::string(table.name) + ".csv");
    resource.Set("profile", "tabular-data-resource");
    JsonValue& fields = resource.Set("schema", JsonValue::Object()).Set("fields", JsonValue::Array());
    for (const char* column : table.columns) {
      JsonValue& field = fields.Append(JsonValue::Object());
      field.Set("name", column);
      field.Set("type", "string");
    }
  }
  std::ofstream(dir / "datapackage.json") << fhir::WriteJson(package) << "\n";
  return OkStatus();
}

Result<std::vector<Group>> LoadHsdsPackage(const std::filesystem::path& dir, const HsdsSource& source) {
  std::map<std::string, std::string> tables;
  for (const Table& table : Tables()) {
    SELVHJELP_ASSIGN_OR_RETURN(tables[table.name], fhir::ReadTextFile(dir / (std::string(table.name) + ".csv")));
  }
  return ParseHsdsPackage(tables, dir, source);
}

Result<std::vector<Group>> ParseHsdsPackage(const std::map<std::string, std::string>& tables,
                                            const std::filesystem::path& dir, const HsdsSource& source) {
  std::map<std::string, std::vector<Row>> t;
  for (const Table& table : Tables()) {
    const std::filesystem::path file = dir / (std::string(table.name) + ".csv");
    auto text = tables.find(table.name);
    if (text == tables.end()) return InvalidArgumentError(file.string() + ": table missing");
    SELVHJELP_ASSIGN_OR_RETURN(t[table.name], ReadTable(file, text->second, table));
  }
  auto by = [&t](const char* table, const char* key) {
    std::multimap<std::string, const Row*> index;
    for (const Row& r : t[table]) index.emplace(r.cells.at(key), &r);
    return index;
  };
  auto organizations = by("organizations", "id");
  auto locations = by("locations", "id");
  auto addresses = by("addresses", "location_id");
  auto at_locations = by("service_at_locations", "service_id");
  auto schedules = by("schedules", "service_id");
  auto languages = by("languages", "service_id");
  auto phones = by("phones", "service_id");
  auto terms = by("taxonomy_terms", "id");
  auto attributes = by("attributes", "link_id");
  // Join the tables into compiled services, each value carrying its CSV line.
  JsonValue services = JsonValue::Array();
  for (const Row& s : t["services"]) {
    auto at = [&s](JsonValue v) { v.set_line(s.line); return v; };
    JsonValue service = at(JsonValue::Object());
    for (const char* column : {"id", "name", "description", "url", "email", "status", "assured_date"}) {
      if (!s.cells.at(column).empty()) service.Set(column, at(Str(s.cells.at(column))));
    }
    const std::string& id = s.cells.at("id");
    if (auto org = organizations.find(s.cells.at("organization_id")); org != organizations.end()) {
      JsonValue& o = service.Set("organization", at(JsonValue::Object()));
      o.Set("id", Str(org->second->cells.at("id")));
      o.Set("name", at(Str(org->second->cells.at("name"))));
    }
    JsonValue& sched = service.Set("schedules", at(JsonValue::Array()));
    for (auto [it, end] = schedules.equal_range(id); it != end; ++it) {
      JsonValue& x = sched.Append(at(JsonValue::Object()));
      for (const char* column : {"freq", "byday", "opens_at", "closes_at"}) {
        if (!it->second->cells.at(column).empty()) x.Set(column, at(Str(it->second->cells.at(column))));
      }
      if (!it->second->cells.at("interval").empty()) x.Set("interval", at(NumberCell(it->second->cells.at("interval"))));
    }
    JsonValue& langs = service.Set("languages", JsonValue::Array());
    for (auto [it, end] = languages.equal_range(id); it != end; ++it) {
      langs.Append(JsonValue::Object()).Set("code", Str(it->second->cells.at("code")));
    }
    JsonValue& phone_list = service.Set("phones", JsonValue::Array());
    for (auto [it, end] = phones.equal_range(id); it != end; ++it) {
      phone_list.Append(JsonValue::Object()).Set("number", Str(it->second->cells.at("number")));
    }
    JsonValue& attrs = service.Set("attributes", JsonValue::Array());
    for (auto [it, end] = attributes.equal_range(id); it != end; ++it) {
      if (auto term = terms.find(it->second->cells.at("taxonomy_term_id")); term != terms.end()) {
        attrs.Append(JsonValue::Object()).Set("taxonomy_term", JsonValue::Object()).Set("code", Str(term->second->cells.at("code")));
      }
    }
    JsonValue& sals = service.Set("service_at_locations", JsonValue::Array());
    for (auto [it, end] = at_locations.equal_range(id); it != end; ++it) {
      auto location = locations.find(it->second->cells.at("location_id"));
      if (location == locations.end()) continue;
      const Row& l = *location->second;
      JsonValue& loc = sals.Append(JsonValue::Object()).Set("location", at(JsonValue::Object()));
      loc.Set("location_type", Str(l.cells.at("location_type")));
      for (const char* column : {"latitude", "longitude"}) {
        if (!l.cells.at(column).empty()) loc.Set(column, at(NumberCell(l.cells.at(column))));
      }
      JsonValue& addrs = loc.Set("addresses", JsonValue::Array());
      for (auto [a, a_end] = addresses.equal_range(l.cells.at("id")); a != a_end; ++a) {
        JsonValue& addr = addrs.Append(JsonValue::Object());
        for (const char* column : {"address_1", "city", "postal_code"}) addr.Set(column, Str(a->second->cells.at(column)));
      }
    }
    services.Append(std::move(service));
  }
  return GroupsFromHsds(services, dir / "services.csv", source);
}

}  // namespace selvhjelp::plugin
