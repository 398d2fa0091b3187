// LoadHsdsPackage / ParseHsdsPackage: an HSDS 3.0 tabular data package read into groups
// (hsds_package.h); the writer is hsds_package_writer.cc.
#include "plugin/groups/hsds_package.h"

#include <algorithm>
#include <map>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "plugin/groups/csv_reader.h"
#include "plugin/groups/hsds_tables.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

// Rows of one table as column -> value maps, with the line each row starts on.
struct Row {
  int line;
  std::map<std::string, std::string, std::less<>> cells;
  // The cell, or "" when the table has no such column.
  const std::string& operator[](std::string_view column) const {
    static const std::string kEmpty;
    auto it = cells.find(column);
    return it == cells.end() ? kEmpty : it->second;
  }
};

Result<std::vector<Row>> ReadTable(const std::filesystem::path& file, std::string_view text, const HsdsTable& table) {
  std::vector<std::string> header;
  std::vector<Row> rows;
  std::string problem;
  Status read = ReadCsv(text, [&](CsvRow row) {
    if (header.empty()) {
      header = std::move(row.cells);
      for (const char* column : table.join_columns) {
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

// The file of each of our tables: from datapackage.json's resources when the package has one
// (a resource it does not list is absent), else the spec's default names. Resource name -> path.
Result<std::map<std::string, std::filesystem::path>> TableFiles(const std::filesystem::path& dir) {
  std::map<std::string, std::filesystem::path> files;
  const std::filesystem::path descriptor = dir / "datapackage.json";
  if (!std::filesystem::exists(descriptor)) {
    for (const HsdsTable& table : HsdsTables()) {
      if (std::filesystem::exists(dir / table.path)) files[table.resource] = dir / table.path;
    }
    return files;
  }
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue package, fhir::ReadJsonFile(descriptor));
  const JsonValue* resources = package.Find("resources");
  if (resources == nullptr || !resources->is_array()) {
    return InvalidArgumentError(fhir::DataErrorText(descriptor, package, "resources", "expected an array"));
  }
  for (size_t i = 0; i < resources->items().size(); ++i) {
    const JsonValue& resource = resources->items()[i];
    auto name = resource.FindString("name");
    auto path = resource.FindString("path");
    if (!name || FindHsdsTable(*name) == nullptr) continue;  // a table we do not read
    std::filesystem::path relative(path.value_or(""));
    if (!path || path->empty() || relative.is_absolute() || path->find("..") != std::string_view::npos) {
      return InvalidArgumentError(fhir::DataErrorText(descriptor, resource, "resources[" + std::to_string(i) + "].path",
                                                      "expected a file name inside the package"));
    }
    files[std::string(*name)] = dir / relative;
  }
  return files;
}

}  // namespace

Result<std::vector<Group>> LoadHsdsPackage(const std::filesystem::path& dir, const HsdsSource& source) {
  SELVHJELP_ASSIGN_OR_RETURN(auto files, TableFiles(dir));
  std::map<std::string, std::string> tables;
  std::map<std::string, std::filesystem::path> names;
  for (const auto& [resource, file] : files) {
    SELVHJELP_ASSIGN_OR_RETURN(tables[resource], fhir::ReadTextFile(file));
    names[resource] = file;
  }
  return ParseHsdsPackage(tables, dir, source, names);
}

Result<std::vector<Group>> ParseHsdsPackage(const std::map<std::string, std::string>& tables,
                                            const std::filesystem::path& dir, const HsdsSource& source,
                                            const std::map<std::string, std::filesystem::path>& files) {
  std::map<std::string, std::vector<Row>, std::less<>> t;
  auto file_of = [&](const HsdsTable& table) {
    auto named = files.find(table.resource);
    return named != files.end() ? named->second : dir / table.path;
  };
  for (const HsdsTable& table : HsdsTables()) {
    auto text = tables.find(table.resource);
    if (text == tables.end()) {
      if (std::string_view(table.resource) == "service") return InvalidArgumentError(file_of(table).string() + ": table missing");
      continue;  // a package may leave out any other table
    }
    SELVHJELP_ASSIGN_OR_RETURN(t[table.resource], ReadTable(file_of(table), text->second, table));
  }
  auto by = [&t](std::string_view table, std::string_view key) {
    std::multimap<std::string, const Row*> index;
    for (const Row& r : t[std::string(table)]) index.emplace(r[key], &r);
    return index;
  };
  auto organizations = by("organization", "id");
  auto locations = by("location", "id");
  auto addresses = by("address", "location_id");
  auto at_locations = by("service_at_location", "service_id");
  auto schedules = by("schedule", "service_id");
  auto languages = by("language", "service_id");
  auto phones = by("phone", "service_id");
  auto terms = by("taxonomy_term", "id");
  auto attributes = by("attribute", "link_id");
  auto accessibility = by("accessibility", "location_id");
  auto areas = by("service_area", "service_id");
  // Join the tables into compiled services, each value carrying its CSV line.
  JsonValue services = JsonValue::Array();
  for (const Row& s : t["service"]) {
    auto at = [&s](JsonValue v) { v.set_line(s.line); return v; };
    JsonValue service = at(JsonValue::Object());
    for (const char* column : {"id", "name", "description", "url", "email", "status", "assured_date"}) {
      if (!s[column].empty()) service.Set(column, at(Str(s[column])));
    }
    if (!s["minimum_age"].empty()) service.Set("minimum_age", at(NumberCell(s["minimum_age"])));
    const std::string& id = s["id"];
    if (auto org = organizations.find(s["organization_id"]); org != organizations.end()) {
      JsonValue& o = service.Set("organization", at(JsonValue::Object()));
      o.Set("id", Str((*org->second)["id"]));
      o.Set("name", at(Str((*org->second)["name"])));
    }
    JsonValue& sched = service.Set("schedules", at(JsonValue::Array()));
    for (auto [it, end] = schedules.equal_range(id); it != end; ++it) {
      const Row& r = *it->second;
      JsonValue& x = sched.Append(at(JsonValue::Object()));
      for (const char* column : {"freq", "byday", "bymonthday", "opens_at", "closes_at"}) {
        if (!r[column].empty()) x.Set(column, at(Str(r[column])));
      }
      if (!r["interval"].empty()) x.Set("interval", at(NumberCell(r["interval"])));
    }
    JsonValue& langs = service.Set("languages", JsonValue::Array());
    for (auto [it, end] = languages.equal_range(id); it != end; ++it) {
      langs.Append(JsonValue::Object()).Set("code", Str((*it->second)["code"]));
    }
    JsonValue& phone_list = service.Set("phones", JsonValue::Array());
    for (auto [it, end] = phones.equal_range(id); it != end; ++it) {
      phone_list.Append(JsonValue::Object()).Set("number", Str((*it->second)["number"]));
    }
    JsonValue& area_list = service.Set("service_areas", JsonValue::Array());
    for (auto [it, end] = areas.equal_range(id); it != end; ++it) {
      JsonValue& area = area_list.Append(at(JsonValue::Object()));
      for (const char* column : {"name", "description"}) area.Set(column, at(Str((*it->second)[column])));
    }
    JsonValue& attrs = service.Set("attributes", JsonValue::Array());
    for (auto [it, end] = attributes.equal_range(id); it != end; ++it) {
      if (auto term = terms.find((*it->second)["taxonomy_term_id"]); term != terms.end()) {
        JsonValue& attr = attrs.Append(at(JsonValue::Object()));
        attr.Set("taxonomy_term", JsonValue::Object()).Set("code", Str((*term->second)["code"]));
        if (!(*it->second)["value"].empty()) attr.Set("value", at(Str((*it->second)["value"])));
      }
    }
    JsonValue& sals = service.Set("service_at_locations", JsonValue::Array());
    for (auto [it, end] = at_locations.equal_range(id); it != end; ++it) {
      auto location = locations.find((*it->second)["location_id"]);
      if (location == locations.end()) continue;
      const Row& l = *location->second;
      JsonValue& loc = sals.Append(JsonValue::Object()).Set("location", at(JsonValue::Object()));
      loc.Set("location_type", Str(l["location_type"]));
      for (const char* column : {"latitude", "longitude"}) {
        if (!l[column].empty()) loc.Set(column, at(NumberCell(l[column])));
      }
      JsonValue& access = loc.Set("accessibility", JsonValue::Array());
      for (auto [a, a_end] = accessibility.equal_range(l["id"]); a != a_end; ++a) {
        access.Append(JsonValue::Object()).Set("description", Str((*a->second)["description"]));
      }
      JsonValue& addrs = loc.Set("addresses", JsonValue::Array());
      for (auto [a, a_end] = addresses.equal_range(l["id"]); a != a_end; ++a) {
        JsonValue& addr = addrs.Append(JsonValue::Object());
        for (const char* column : {"address_1", "city", "postal_code"}) addr.Set(column, Str((*a->second)[column]));
      }
    }
    services.Append(std::move(service));
  }
  return GroupsFromHsds(services, file_of(*FindHsdsTable("service")), source);
}

}  // namespace selvhjelp::plugin
