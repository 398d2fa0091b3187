// WriteHsdsPackage: the directory as an HSDS 3.0 tabular data package (hsds_package.h).
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "fhir/json/json_writer.h"
#include "plugin/csv/csv_cell.h"
#include "plugin/groups/closure_period.h"
#include "plugin/groups/hsds_package.h"
#include "plugin/groups/hsds_tables.h"
#include "plugin/groups/stable_uuid.h"

namespace selvhjelp::plugin {

namespace {

// The namespace of every id the export makes: UUID v5 of the URL "urn:selvhjelp:hsds-export".
constexpr std::string_view kIdNamespace = "4bbb8511-4603-55c5-a13d-62588c817562";

// The id of one row: the same source, group and part give the same UUID in every export.
std::string RowId(std::string_view table, const Group& g, std::string_view part = {}) {
  std::string name(table);
  for (std::string_view piece : {std::string_view(g.source), std::string_view(g.id), part}) {
    name.push_back('\x1f');  // a separator no source id contains
    name.append(piece);
  }
  return Uuid5(kIdNamespace, name);
}

std::string RuleValue(const std::string& rrule, const std::string& name) {
  std::string key = name + "=";
  size_t at = rrule.find(key);
  if (at == std::string::npos) return {};
  size_t end = rrule.find(';', at);
  return rrule.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
}

std::string ClockSeconds(int minutes) {
  char out[12];
  std::snprintf(out, sizeof out, "%02d:%02d:00", (minutes / 60) % 24, minutes % 60);
  return out;
}

// "19:00" -> "19:00:00" (Table Schema's time); empty when it is not a clock time.
std::string OpensAt(const Meeting& m) {
  std::optional<int> start = MinutesOfDay(m.start_time);
  return start ? ClockSeconds(*start) : std::string();
}

// opens_at + duration; empty when either is not what the sources check at import.
std::string ClosesAt(const Meeting& m) {
  std::optional<int> start = MinutesOfDay(m.start_time), duration = DurationMinutes(m.duration);
  return start && duration ? ClockSeconds(*start + *duration) : std::string();
}

std::string Degrees(const std::optional<double>& d) {
  if (!d) return {};
  char out[32];
  std::snprintf(out, sizeof out, "%.6f", *d);
  return out;
}

// The county's name for address.state_province, or its number when the table lacks it.
std::string StateProvince(const GroupAddress& a, const mappings::Geography* geography) {
  std::optional<std::string> county = mappings::Geography::CountyOf(a.municipality);
  if (!county) return {};
  if (geography != nullptr) {
    if (auto name = geography->CountyName(*county)) return *name;
  }
  return *county;
}

struct Term {
  std::string code, description;
  std::string value = {};  // the attribute's value, for the terms that carry one
};

// The taxonomy terms of a group: the codes mappings/data/hsds-taxonomy.json reads back.
std::vector<Term> TermsOf(const Group& g) {
  std::vector<Term> terms;
  for (const std::string& theme : g.themes) terms.push_back({"self-help-" + theme, "Self-help group: " + theme});
  // After the themes, so the audience term has the last word.
  if (g.audience == Audience::kRelatives) terms.push_back({"audience-relatives", "For relatives"});
  if (g.audience == Audience::kBoth) terms.push_back({"audience-both", "For the person and relatives"});
  if (g.twelve_step) terms.push_back({"twelve-step", "Follows the twelve steps"});
  if (g.format == Format::kDigital) terms.push_back({"online", "Meets online"});
  if (IsContactPoint(g)) terms.push_back({"contact-point", "Contact point: whom to contact to join or start a group"});
  if (g.access == Access::kOpen) terms.push_back({"open-group", "Open group: anyone may come"});
  if (g.access == Access::kClosed) terms.push_back({"closed-group", "Closed: not open to everyone (members only, or only those with the problem)"});
  if (g.wheelchair) terms.push_back({"wheelchair-accessible", "Wheelchair accessible"});
  if (g.national) terms.push_back({"national-service", "National service"});
  if (IsClosedOn(g, TodayUtc()) && !g.details->closed_until.empty()) {
    terms.push_back({std::string(kHsdsClosedUntilTerm), "Temporarily closed until the date in the value", g.details->closed_until});
  }
  if (!g.report_to.empty()) {
    terms.push_back({std::string(kHsdsReportToTerm), "Where to report wrong information: the link in the value", g.report_to});
  }
  return terms;
}

using Rows = std::map<std::string, std::vector<std::vector<std::string>>>;  // resource -> rows

void AddGroup(const Group& g, const mappings::Geography* geography, std::set<std::string>& organizations,
              std::set<std::string>& terms, Rows& rows) {
  const std::string service = RowId("service", g);
  const std::string organization = Uuid5(kIdNamespace, "organization\x1f" + g.organisation);
  if (organizations.insert(organization).second) {
    rows["organization"].push_back({organization, g.organisation, g.organisation});
  }
  rows["service"].push_back({service, organization, g.name, g.name, g.details->website, g.details->email,
                             IsClosedOn(g, TodayUtc()) ? "temporarily closed" : "active", g.last_confirmed,
                             g.min_age > 0 ? std::to_string(g.min_age) : ""});
  if (MeetsInPerson(g)) {
    const std::string location = RowId("location", g);
    rows["location"].push_back({location, "physical", g.name, Degrees(g.address.latitude), Degrees(g.address.longitude)});
    const GroupAddress& a = g.address;
    if (!a.postal_code.empty() && !a.city.empty()) {
      rows["address"].push_back({RowId("address", g), location, a.line.empty() ? a.city : a.line, a.city,
                                 StateProvince(a, geography), a.postal_code, "NO", "physical"});
    }
    rows["service_at_location"].push_back({RowId("service_at_location", g), service, location});
    if (g.wheelchair) rows["accessibility"].push_back({RowId("accessibility", g), location, "wheelchair"});
  }
  for (size_t i = 0; i < g.meetings.size(); ++i) {
    const Meeting& m = g.meetings[i];
    rows["schedule"].push_back({RowId("schedule", g, std::to_string(i)), service, RuleValue(m.rrule, "FREQ"),
                                RuleValue(m.rrule, "INTERVAL"), RuleValue(m.rrule, "BYDAY"),
                                RuleValue(m.rrule, "BYMONTHDAY"), OpensAt(m), ClosesAt(m)});
  }
  for (const std::string& language : g.languages) {
    rows["language"].push_back({RowId("language", g, language), service, language});
  }
  if (!g.details->phone.empty()) rows["phone"].push_back({RowId("phone", g), service, g.details->phone});
  // A contact point's other municipalities: a service area each, named by the municipality's name
  // (its number when the geography tables lack it), which the import resolves either way.
  for (const std::string& area : g.details->areas) {
    std::optional<std::string> name = geography != nullptr ? geography->MunicipalityName(area) : std::nullopt;
    rows["service_area"].push_back({RowId("service_area", g, area), service, name.value_or(area),
                                    "Municipality " + area + " (kommunenummer)"});
  }
  for (const Term& term : TermsOf(g)) {
    const std::string term_id = Uuid5(kIdNamespace, "taxonomy_term\x1f" + term.code);
    if (terms.insert(term_id).second) rows["taxonomy_term"].push_back({term_id, term.code, term.code, term.description});
    rows["attribute"].push_back({RowId("attribute", g, term.code), service, term_id, "service", term.value});
  }
}

// A resource of datapackage.json: its file and Table Schema, with the spec's types and formats.
fhir::JsonValue Resource(const HsdsTable& table) {
  fhir::JsonValue resource = fhir::JsonValue::Object();
  resource.Set("name", table.resource);
  resource.Set("path", table.path);
  resource.Set("profile", "tabular-data-resource");
  resource.Set("format", "csv");
  resource.Set("mediatype", "text/csv");
  resource.Set("encoding", "utf-8");
  fhir::JsonValue& schema = resource.Set("schema", fhir::JsonValue::Object());
  fhir::JsonValue& fields = schema.Set("fields", fhir::JsonValue::Array());
  for (const HsdsColumn& column : table.columns) {
    fhir::JsonValue& field = fields.Append(fhir::JsonValue::Object());
    field.Set("name", column.name);
    field.Set("type", column.type);
    if (*column.format) field.Set("format", column.format);
    fhir::JsonValue& constraints = field.Set("constraints", fhir::JsonValue::Object());
    constraints.Set("required", fhir::JsonValue::Bool(column.required));
    if (std::string_view(column.name) == "id") constraints.Set("unique", fhir::JsonValue::Bool(true));
  }
  schema.Set("primaryKey", "id");
  return resource;
}

}  // namespace

Status WriteHsdsPackage(const std::vector<const Group*>& groups, const mappings::Geography* geography,
                        const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  Rows rows;
  std::set<std::string> organizations, terms;
  for (const Group* g : groups) AddGroup(*g, geography, organizations, terms, rows);
  fhir::JsonValue package = fhir::JsonValue::Object();
  package.Set("name", "selvhjelp-directory");
  package.Set("title", "Self-help groups (HSDS 3.0)");
  package.Set("profile", "tabular-data-package");
  fhir::JsonValue& resources = package.Set("resources", fhir::JsonValue::Array());
  for (const HsdsTable& table : HsdsTables()) {
    std::ofstream out(dir / table.path, std::ios::binary);
    std::string line;
    for (size_t c = 0; c < table.columns.size(); ++c) line += std::string(c ? "," : "") + table.columns[c].name;
    out << line << "\n";
    for (const auto& row : rows[table.resource]) {
      line.clear();
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) line.push_back(',');
        AppendCsvCell(line, row[c]);
      }
      out << line << "\n";
    }
    if (!out) return UnavailableError((dir / table.path).string() + ": cannot be written");
    resources.Append(Resource(table));
  }
  std::ofstream out(dir / "datapackage.json", std::ios::binary);
  out << fhir::WriteJson(package) << "\n";
  if (!out) return UnavailableError((dir / "datapackage.json").string() + ": cannot be written");
  return OkStatus();
}

}  // namespace selvhjelp::plugin
