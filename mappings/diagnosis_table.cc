#include "mappings/diagnosis_table.h"

#include <cctype>

#include "fhir/json/json_file.h"

namespace selvhjelp::mappings {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

std::string NormaliseCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '.' || c == ' ') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

namespace {

void ReadRules(const JsonValue& root, std::string_view key, DataProblems& problems,
               const std::set<std::string>& lifted, const std::map<std::string, bool>& known,
               std::vector<std::pair<std::string, std::vector<std::string>>>& out_codes,
               std::vector<std::pair<std::string, std::pair<std::string, std::string>>>& out_ranges) {
  const JsonValue* rules = problems.Array(root, key, "", false);
  if (rules == nullptr) return;
  for (size_t i = 0; i < rules->items().size(); ++i) {
    const JsonValue& rule = rules->items()[i];
    std::string field = FieldPath(key, i);
    if (!rule.is_object()) {
      problems.Add(rule, field, "expected an object");
      continue;
    }
    problems.RejectUnknown(rule, field, {"id", "codeSystem", "from", "to", "codes", "description"});
    std::optional<std::string> id = problems.String(rule, "id", field, false);
    std::optional<std::string> system = problems.String(rule, "codeSystem", field, true);
    if (system && !known.count(*system)) {
      problems.Add(*rule.Find("codeSystem"), FieldPath(field, "codeSystem"),
                   "names no code system declared in codeSystems");
      continue;
    }
    if (!system || (id && lifted.count(*id))) continue;
    std::optional<std::string> from = problems.String(rule, "from", field, false);
    std::optional<std::string> to = problems.String(rule, "to", field, false);
    std::vector<std::string> codes = problems.Strings(rule, "codes", field, false);
    if (from && to) {
      out_ranges.push_back({*system, {NormaliseCode(*from), NormaliseCode(*to)}});
    } else if (!codes.empty()) {
      for (std::string& c : codes) c = NormaliseCode(c);
      out_codes.push_back({*system, std::move(codes)});
    } else {
      problems.Add(rule, field, "needs either from and to, or a non-empty codes list");
    }
  }
}

}  // namespace

Result<DiagnosisTable> DiagnosisTable::Load(const std::vector<std::filesystem::path>& files,
                                            const std::set<std::string>& lifted_exclusions) {
  // Systems by name and the URIs naming them, as the files define them; the table keeps each URI's
  // system, all InScope reads.
  std::map<std::string, System, std::less<>> systems;
  std::map<std::string, std::string, std::less<>> uri_to_system;
  std::vector<std::string> all_problems;
  for (const auto& path : files) {
    Result<JsonValue> root = fhir::ReadJsonFile(path);
    if (!root.ok()) return root.status();
    DataProblems problems(path);
    problems.RejectUnknown(*root, "", {"description", "codeSystems", "include", "exclude"});
    std::map<std::string, bool> known;
    for (const auto& [name, system] : systems) known[name] = system.hierarchical;
    if (const JsonValue* defined = problems.Object(*root, "codeSystems", "", false)) {
      for (const auto& [name, def] : defined->members()) {
        std::string field = FieldPath("codeSystems", name);
        if (!def.is_object()) {
          problems.Add(def, field, "expected an object");
          continue;
        }
        bool hierarchical = problems.Bool(def, "hierarchical", field).value_or(false);
        std::vector<std::string> uris = problems.Strings(def, "uris", field, true);
        known[name] = hierarchical;
        systems[name].hierarchical = hierarchical;
        for (const std::string& uri : uris) uri_to_system[uri] = name;
      }
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> codes;
    std::vector<std::pair<std::string, std::pair<std::string, std::string>>> ranges;
    ReadRules(*root, "include", problems, {}, known, codes, ranges);
    for (auto& [sys, list] : codes) systems[sys].include.push_back({{}, {}, list});
    for (auto& [sys, r] : ranges) systems[sys].include.push_back({r.first, r.second, {}});
    codes.clear();
    ranges.clear();
    ReadRules(*root, "exclude", problems, lifted_exclusions, known, codes, ranges);
    for (auto& [sys, list] : codes) systems[sys].exclude.push_back({{}, {}, list});
    for (auto& [sys, r] : ranges) systems[sys].exclude.push_back({r.first, r.second, {}});
    for (const std::string& line : problems.lines()) all_problems.push_back(line);
  }
  if (!all_problems.empty()) {
    std::string text;
    for (const std::string& line : all_problems) text += (text.empty() ? "" : "\n") + line;
    return InvalidArgumentError(text);
  }
  DiagnosisTable table;
  for (const auto& [uri, name] : uri_to_system) table.system_by_uri_[uri] = systems[name];
  return table;
}

bool DiagnosisTable::Matches(const System& system, const Rule& rule, std::string_view code) {
  if (!rule.codes.empty()) {
    for (const std::string& listed : rule.codes) {
      if (system.hierarchical ? code.substr(0, listed.size()) == listed : code == listed) return true;
    }
    return false;
  }
  if (!system.hierarchical) return code >= rule.from && code <= rule.to;
  const std::string_view head = code.substr(0, rule.from.size());
  return head.size() == rule.from.size() && head >= rule.from && head <= rule.to;
}

bool DiagnosisTable::InScope(std::string_view system_uri, std::string_view raw_code) const {
  auto found = system_by_uri_.find(system_uri);
  if (found == system_by_uri_.end()) return false;
  const System& system = found->second;
  const std::string code = NormaliseCode(raw_code);
  bool included = false;
  for (const Rule& rule : system.include) included = included || Matches(system, rule, code);
  if (!included) return false;
  for (const Rule& rule : system.exclude) {
    if (Matches(system, rule, code)) return false;
  }
  return true;
}

}  // namespace selvhjelp::mappings
