#include "plugin/audit/synthetic_export.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "fhir/json/json_writer.h"
#include "plugin/audit/episode_evaluator.h"
#include "plugin/records/norwegian_ids.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;
namespace fs = std::filesystem;

namespace {

struct Counts {
  int64_t initial = 0, excluded = 0, numerator = 0;
};

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n): plain modulo of a fixed engine, the same on every platform.
  int64_t Below(int64_t n) { return static_cast<int64_t>(engine_() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Below(100) < percent; }
  int64_t Between(int64_t lo, int64_t hi) { return lo + Below(hi - lo + 1); }

 private:
  std::mt19937_64 engine_;
};

// A synthetic fødselsnummer with valid check digits (month + 80); tries individual numbers until
// both check digits exist.
std::string SyntheticFnr(Random& random) {
  for (;;) {
    char base[10];
    std::snprintf(base, sizeof base, "%02d%02d%02d%03d", static_cast<int>(random.Between(1, 28)),
                  static_cast<int>(random.Between(1, 12) + 80), static_cast<int>(random.Between(40, 99)),
                  static_cast<int>(random.Below(500)));
    if (std::optional<std::string> number = WithPersonCheckDigits(base)) return *number;
  }
}

struct Out {
  std::ofstream patient, episode, encounter, condition, related, communication;
};

std::string Period(int64_t start, int64_t end) {
  std::string p = "{\"start\":\"" + DayText(start) + "\"";
  if (end != kOpenEnd) p += ",\"end\":\"" + DayText(end) + "\"";
  return p + "}";
}

void WriteCommunication(Out& out, const std::string& id, const std::string& patient, int64_t day,
                        const std::string& recipient, const char* level, const char* response) {
  out.communication << "{\"resourceType\":\"Communication\",\"id\":\"" << id
                    << "\",\"extension\":[{\"url\":\"https://selvhjelp.example/fhir/StructureDefinition/intervention-level\","
                       "\"valueCoding\":{\"system\":\"https://selvhjelp.example/fhir/CodeSystem/intervention-level\",\"code\":\""
                    << level
                    << "\"}},{\"url\":\"https://selvhjelp.example/fhir/StructureDefinition/patient-response\","
                       "\"valueCoding\":{\"system\":\"https://selvhjelp.example/fhir/CodeSystem/patient-response\",\"code\":\""
                    << response
                    << "\"}}],\"status\":\"completed\",\"category\":[{\"coding\":[{\"system\":\"https://selvhjelp.example/fhir/"
                       "CodeSystem/selvhjelp-category\",\"code\":\"self-help-information\"}]}],\"subject\":{\"reference\":\"Patient/"
                    << patient << "\"},\"sent\":\"" << DayText(day) << "T10:00:00+01:00\",\"recipient\":[{\"reference\":\""
                    << recipient << "\"}]}\n";
}

}  // namespace

Result<JsonValue> WriteSyntheticExport(const SyntheticExportSpec& spec, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return UnavailableError(dir.string() + ": cannot be created");
  Out out;
  const std::pair<std::ofstream*, const char*> files[] = {
      {&out.patient, "Patient"},         {&out.episode, "EpisodeOfCare"},     {&out.encounter, "Encounter"},
      {&out.condition, "Condition"},     {&out.related, "RelatedPerson"},     {&out.communication, "Communication"}};
  for (const auto& [stream, type] : files) {
    stream->open(dir / (std::string(type) + ".ndjson"), std::ios::binary);
    if (!*stream) return UnavailableError((dir / type).string() + ".ndjson: cannot be written");
  }
  Random random(spec.seed);
  Counts patients, relatives;
  std::map<std::string, Counts> by_unit;
  static constexpr const char* kLevels[] = {"written", "conversation", "conversation", "brokered"};
  static constexpr const char* kResponses[] = {"interested", "interested", "thinking", "declined", "already-attends"};
  const int64_t span = spec.to_day - spec.from_day;

  for (int64_t i = 0; i < spec.patients; ++i) {
    const std::string p = "p" + std::to_string(i);
    const bool deceased = random.Chance(2);
    const int related = random.Chance(40) ? static_cast<int>(random.Between(1, 2)) : 0;
    for (int r = 0; r < related; ++r) {
      out.related << "{\"resourceType\":\"RelatedPerson\",\"id\":\"" << p << "-r" << r << "\",\"active\":true,"
                  << "\"patient\":{\"reference\":\"Patient/" << p << "\"}}\n";
    }
    // Episodes one after another with at least 30 days between, so no record falls in two.
    int64_t cursor = spec.from_day - 120 + random.Below(60);
    const int episodes = deceased ? 1 : (random.Chance(20) ? 2 : 1);
    int64_t death_day = 0;
    for (int e = 0; e < episodes; ++e) {
      const std::string eid = p + "-e" + std::to_string(e);
      const int64_t start = cursor + random.Between(0, span / 2 + 60);
      const bool open = e == episodes - 1 && !deceased && random.Chance(15);
      const bool transfer = !open && !deceased && random.Chance(4);
      const int64_t end = open ? kOpenEnd : start + (transfer ? random.Between(1, 5) : random.Between(3, 150));
      cursor = (open ? start : end) + 31;
      const std::string unit = kSyntheticUnits[random.Below(4)];
      const bool qualifies = random.Chance(92);
      const char* code = qualifies ? (random.Chance(50) ? "F10.2" : "F11.2") : (random.Chance(50) ? "F32.1" : "F17.2");
      out.condition << "{\"resourceType\":\"Condition\",\"id\":\"" << eid << "-c\",\"clinicalStatus\":{\"coding\":[{\"system\":"
                    << "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},\"code\":{\"coding\":"
                    << "[{\"system\":\"http://hl7.org/fhir/sid/icd-10\",\"code\":\"" << code << "\"}]},\"subject\":{\"reference\":"
                    << "\"Patient/" << p << "\"}}\n";
      out.episode << "{\"resourceType\":\"EpisodeOfCare\",\"id\":\"" << eid << "\",\"status\":\"" << (open ? "active" : "finished")
                  << "\",\"diagnosis\":[{\"condition\":{\"reference\":\"Condition/" << eid << "-c\"}}],\"patient\":{\"reference\":"
                  << "\"Patient/" << p << "\"},\"managingOrganization\":{\"reference\":\"" << unit << "\"},\"period\":"
                  << Period(start, end) << "}\n";
      out.encounter << "{\"resourceType\":\"Encounter\",\"id\":\"" << eid << "-n\",\"status\":\"" << (open ? "in-progress" : "finished")
                    << "\",\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"AMB\"},"
                    << "\"subject\":{\"reference\":\"Patient/" << p << "\"},\"episodeOfCare\":[{\"reference\":\"EpisodeOfCare/" << eid
                    << "\"}],\"period\":" << Period(start, end == kOpenEnd ? start : end)
                    << (transfer ? ",\"hospitalization\":{\"dischargeDisposition\":{\"coding\":[{\"system\":"
                                   "\"http://terminology.hl7.org/CodeSystem/discharge-disposition\",\"code\":\"other-hcf\"}]}}"
                                 : "")
                    << ",\"serviceProvider\":{\"reference\":\"" << unit << "\"}}\n";
      const bool in_period = qualifies && start <= spec.to_day && end >= spec.from_day;
      const int64_t last = std::min(end, spec.to_day);
      if (deceased) death_day = std::min(last, start + random.Below(std::max<int64_t>(1, last - start + 1)));
      const bool excluded = in_period && (deceased || (transfer && end - start <= spec.transferred_out_days));
      // Information during the episode (counted), or only before it (not counted).
      const bool informed = random.Chance(70);
      if (informed) {
        const int64_t day = start + random.Below(std::max<int64_t>(1, last - start + 1));
        WriteCommunication(out, eid + "-m", p, day, "Patient/" + p, kLevels[random.Below(4)], kResponses[random.Below(5)]);
      } else if (random.Chance(30)) {
        WriteCommunication(out, eid + "-m0", p, start - 10, "Patient/" + p, "written", "interested");
      }
      const bool relatives_informed = related > 0 && random.Chance(50);
      if (relatives_informed) {
        const int64_t day = start + random.Below(std::max<int64_t>(1, last - start + 1));
        WriteCommunication(out, eid + "-mr", p, day, "RelatedPerson/" + p + "-r0", "conversation", "interested");
      }
      if (!in_period) continue;
      for (Counts* c : {&patients, &by_unit[unit]}) {
        ++c->initial;
        if (excluded) ++c->excluded;
        else if (informed) ++c->numerator;
      }
      if (related > 0) {
        ++relatives.initial;
        if (excluded) ++relatives.excluded;
        else if (relatives_informed) ++relatives.numerator;
      }
    }
    out.patient << "{\"resourceType\":\"Patient\",\"id\":\"" << p << "\",\"meta\":{\"tag\":[{\"system\":"
                << "\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"HTEST\"}]},\"identifier\":[{\"system\":"
                << "\"urn:oid:2.16.578.1.12.4.1.4.1\",\"value\":\"" << SyntheticFnr(random) << "\"}]"
                << (deceased ? ",\"deceasedDateTime\":\"" + DayText(death_day) + "\"" : std::string()) << "}\n";
  }
  for (const auto& [stream, type] : files) {
    stream->flush();
    if (!*stream) return UnavailableError(dir.string() + ": write failed (disk full?)");
  }
  auto group = [](const Counts& c) {
    JsonValue g = JsonValue::Object();
    g.Set("initialPopulation", JsonValue::Int(c.initial));
    g.Set("denominatorExclusion", JsonValue::Int(c.excluded));
    g.Set("numerator", JsonValue::Int(c.numerator));
    return g;
  };
  JsonValue expected = JsonValue::Object();
  expected.Set("patients", JsonValue::Int(spec.patients));
  expected.Set("seed", JsonValue::Int(static_cast<int64_t>(spec.seed)));
  JsonValue& period = expected.Set("period", JsonValue::Object());
  period.Set("start", DayText(spec.from_day));
  period.Set("end", DayText(spec.to_day));
  expected.Set("transferredOutDays", JsonValue::Int(spec.transferred_out_days));
  JsonValue& groups = expected.Set("groups", JsonValue::Object());
  groups.Set("patients", group(patients));
  groups.Set("relatives", group(relatives));
  JsonValue& units = expected.Set("patientsByUnit", JsonValue::Object());
  for (const auto& [unit, c] : by_unit) units.Set(unit, group(c));
  std::ofstream(dir / "expected.json") << fhir::WriteJson(expected) << "\n";
  return expected;
}

}  // namespace selvhjelp::plugin
