#include "plugin/audit/measure_report.h"

#include <cstdio>
#include <fstream>
#include <set>

#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

extern const char* const kShippedMeasureJson;  // generated from fhir/conformance by CMake

const JsonValue& ShippedMeasure() {
  static const JsonValue measure = *fhir::ParseJson(kShippedMeasureJson);
  return measure;
}

namespace {

constexpr const char* kPopulations[] = {"initial-population", "denominator", "denominator-exclusion", "numerator"};

const JsonValue* GroupOf(const JsonValue& measure, std::string_view id) {
  if (const JsonValue* groups = measure.Find("group")) {
    for (const JsonValue& g : groups->items()) {
      if (g.FindString("id") == id) return &g;
    }
  }
  return nullptr;
}

std::set<std::string> IdsOf(const JsonValue& group, std::string_view list) {
  std::set<std::string> ids;
  if (const JsonValue* items = group.Find(list)) {
    for (const JsonValue& item : items->items()) ids.emplace(item.FindString("id").value_or(""));
  }
  return ids;
}

JsonValue Decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", value);
  return JsonValue::RawNumber(text);
}

JsonValue Populations(const JsonValue& group, const Tally& t) {
  JsonValue out = JsonValue::Array();
  const int64_t counts[] = {t.initial, t.initial, t.excluded, t.numerator};
  for (const JsonValue& p : group.Find("population")->items()) {
    for (size_t i = 0; i < 4; ++i) {
      if (p.FindString("id") != kPopulations[i]) continue;
      JsonValue& population = out.Append(JsonValue::Object());
      population.Set("code", *p.Find("code"));
      population.Set("count", JsonValue::Int(counts[i]));
    }
  }
  return out;
}

void SetScore(JsonValue& target, const Tally& t) {
  if (std::optional<double> score = t.Score()) target.Set("measureScore", JsonValue::Object()).Set("value", Decimal(*score));
}

const std::map<std::string, Tally>* StrataOf(const GroupTally& g, std::string_view id) {
  if (id == "unit") return &g.by_unit;
  if (id == "month") return &g.by_month;
  if (id == "level") return &g.by_level;
  if (id == "response") return &g.by_response;
  return nullptr;
}

JsonValue Group(const JsonValue& group, const GroupTally& g) {
  JsonValue out = JsonValue::Object();
  out.Set("id", *group.Find("id"));
  if (const JsonValue* code = group.Find("code")) out.Set("code", *code);
  out.Set("population", Populations(group, g.total));
  SetScore(out, g.total);
  JsonValue& stratifiers = out.Set("stratifier", JsonValue::Array());
  for (const JsonValue& s : group.Find("stratifier")->items()) {
    JsonValue& stratifier = stratifiers.Append(JsonValue::Object());
    stratifier.Set("code", JsonValue::Array()).Append(*s.Find("code"));
    JsonValue& strata = stratifier.Set("stratum", JsonValue::Array());
    for (const auto& [value, tally] : *StrataOf(g, *s.FindString("id"))) {
      JsonValue& stratum = strata.Append(JsonValue::Object());
      stratum.Set("value", JsonValue::Object()).Set("text", value);
      stratum.Set("population", Populations(group, tally));
      SetScore(stratum, tally);
    }
  }
  return out;
}

}  // namespace

Status CheckMeasure(const JsonValue& measure) {
  if (measure.FindString("resourceType") != "Measure") return InvalidArgumentError("measure: not a Measure");
  const JsonValue* scoring = measure.FindPath({"scoring"});
  bool proportion = false;
  if (scoring && scoring->Find("coding")) {
    for (const JsonValue& c : scoring->Find("coding")->items()) proportion = proportion || c.FindString("code") == "proportion";
  }
  if (!proportion) return InvalidArgumentError("measure.scoring: this evaluator computes proportion measures only");
  if (!measure.FindString("url")) return InvalidArgumentError("measure.url: required");
  const std::map<std::string, std::set<std::string>> known = {{"patients", {"unit", "level", "response", "month"}},
                                                               {"relatives", {"unit", "level", "response", "month"}}};
  for (const auto& [id, stratifiers] : known) {
    const JsonValue* group = GroupOf(measure, id);
    if (group == nullptr) return InvalidArgumentError("measure.group: no group '" + id + "'");
    std::set<std::string> populations = IdsOf(*group, "population");
    for (const char* p : kPopulations) {
      if (!populations.count(p)) return InvalidArgumentError("measure.group[" + id + "].population: no '" + p + "'");
    }
    for (const std::string& s : IdsOf(*group, "stratifier")) {
      if (!stratifiers.count(s)) return InvalidArgumentError("measure.group[" + id + "].stratifier: '" + s + "' is not computed");
    }
  }
  return OkStatus();
}

JsonValue SummaryReport(const JsonValue& measure, const AuditTally& tally, const ReportPeriod& period) {
  JsonValue report = JsonValue::Object();
  report.Set("resourceType", "MeasureReport");
  report.Set("status", "complete");
  report.Set("type", "summary");
  report.Set("measure", *measure.Find("url"));
  report.Set("date", period.generated);
  JsonValue& p = report.Set("period", JsonValue::Object());
  p.Set("start", period.start);
  p.Set("end", period.end);
  if (const JsonValue* notation = measure.Find("improvementNotation")) report.Set("improvementNotation", *notation);
  JsonValue& groups = report.Set("group", JsonValue::Array());
  groups.Append(Group(*GroupOf(measure, "patients"), tally.patients));
  groups.Append(Group(*GroupOf(measure, "relatives"), tally.relatives));
  return report;
}

Status WriteSubjectListReport(const std::filesystem::path& file, const JsonValue& measure, const AuditTally& tally,
                              const ReportPeriod& period, const std::filesystem::path& not_informed_patients,
                              const std::filesystem::path& not_informed_relatives) {
  JsonValue report = SummaryReport(measure, tally, period);
  report.Set("type", "subject-list");
  // The Lists are written into the text where these placeholders stand.
  JsonValue& contained = report.Set("contained", JsonValue::Array());
  const std::pair<const char*, const std::filesystem::path*> lists[] = {
      {"not-informed-patients", &not_informed_patients}, {"not-informed-relatives", &not_informed_relatives}};
  for (const auto& [id, path] : lists) {
    JsonValue& list = contained.Append(JsonValue::Object());
    list.Set("resourceType", "List");
    list.Set("id", id);
    list.Set("status", "current");
    list.Set("mode", "snapshot");
    list.Set("title", std::string(id) == std::string("not-informed-patients")
                          ? "Patients in the denominator without documented information"
                          : "Patients with relatives in the denominator whose relatives were not informed");
    list.Set("entry", JsonValue::String(std::string("@@") + id + "@@"));
  }
  JsonValue* groups = report.MutableFind("group");
  for (size_t g = 0; g < 2; ++g) {
    for (JsonValue& population : groups->mutable_items()[g].MutableFind("population")->mutable_items()) {
      const JsonValue* coding = population.FindPath({"code"})->Find("coding");
      if (coding->items()[0].FindString("code") != "denominator") continue;
      population.Set("subjectResults", JsonValue::Object()).Set("reference", std::string("#") + lists[g].first);
    }
  }
  const std::string text = fhir::WriteJson(report);
  std::ofstream out(file, std::ios::binary);
  if (!out) return UnavailableError(file.string() + ": cannot be written");
  size_t at = 0;
  for (const auto& [id, path] : lists) {
    const std::string placeholder = std::string("\"entry\":\"@@") + id + "@@\"";
    size_t where = text.find(placeholder, at);
    out.write(text.data() + at, static_cast<std::streamsize>(where - at));
    std::ifstream in(*path);
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      out << (first ? "\"entry\":[" : ",") << "{\"item\":{\"reference\":" << fhir::WriteJson(JsonValue::String(line)) << "}}";
      first = false;
    }
    // FHIR allows no empty arrays: an empty List says why it is empty instead.
    out << (first ? "\"emptyReason\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/list-empty-reason\",\"code\":\"nilknown\"}]}" : "]");
    at = where + placeholder.size();
  }
  out.write(text.data() + at, static_cast<std::streamsize>(text.size() - at));
  return out ? OkStatus() : UnavailableError(file.string() + ": write failed");
}

}  // namespace selvhjelp::plugin
