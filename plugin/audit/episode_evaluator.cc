#include "plugin/audit/episode_evaluator.h"

#include <algorithm>
#include <chrono>

namespace selvhjelp::plugin {

std::string DayText(int64_t day) {
  if (day == kOpenEnd || day == kUnknownDay) return {};
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return text;
}

namespace {

// Whether one of the comma-separated Condition ids in `conditions` is a qualifying one.
bool AnyQualifying(std::string_view conditions, const PatientAuditFacts& facts) {
  const std::vector<std::string_view>& qualifying = facts.qualifying_conditions;
  while (!conditions.empty()) {
    const size_t comma = conditions.find(',');
    const std::string_view id = conditions.substr(0, comma);
    if (std::find(qualifying.begin(), qualifying.end(), id) != qualifying.end()) return true;
    if (comma == std::string_view::npos) break;
    conditions.remove_prefix(comma + 1);
  }
  return false;
}

struct Candidate {
  std::string episode;
  std::string_view unit;
  int64_t start, end;
  bool transfer;
};

}  // namespace

std::vector<EpisodeResult> EvaluatePatient(const std::string& patient_id, const PatientAuditFacts& facts,
                                           const AuditRules& rules) {
  std::vector<Candidate> candidates;
  std::vector<std::string_view> counted_episodes;
  for (const EpisodeFact& e : facts.episodes) {
    if (!e.typed && !AnyQualifying(e.conditions, facts)) continue;
    const bool transfer = std::any_of(facts.encounters.begin(), facts.encounters.end(),
                                      [&e](const EncounterFact& n) { return n.episode == e.id && n.transfer; });
    candidates.push_back({"EpisodeOfCare/" + std::string(e.id), e.unit, e.start, e.end, transfer});
    counted_episodes.push_back(e.id);
  }
  for (const EncounterFact& n : facts.encounters) {
    if (!n.episode.empty() &&
        std::find(counted_episodes.begin(), counted_episodes.end(), n.episode) != counted_episodes.end()) {
      continue;  // part of a counted episode
    }
    if (!n.reason && !AnyQualifying(n.conditions, facts)) continue;
    candidates.push_back({"Encounter/" + std::string(n.id), n.unit, n.start, n.end, n.transfer});
  }
  std::vector<EpisodeResult> results;
  for (const Candidate& c : candidates) {
    if (c.start == kOpenEnd || c.start > rules.to_day || c.end < rules.from_day) continue;  // not in the period
    std::string_view unit = c.unit;
    if (!rules.unit_names.empty()) {
      auto it = rules.unit_names.find(std::string(c.unit));
      if (it == rules.unit_names.end()) continue;  // not one of the audited units
      unit = it->second;
    }
    if (!rules.unit.empty() && rules.unit != c.unit && rules.unit != unit) continue;
    EpisodeResult r;
    r.patient_id = patient_id;
    r.identifier = facts.patient ? std::string(facts.patient->identifier) : std::string();
    r.episode = c.episode;
    r.unit = unit.empty() ? std::string("(no unit)") : std::string(unit);
    r.start = c.start;
    r.end = c.end;
    const int64_t last = std::min(c.end, rules.to_day);  // information counts up to here
    if (facts.patient && facts.patient->deceased &&
        (facts.patient->deceased_day == kUnknownDay || facts.patient->deceased_day <= last)) {
      r.exclusion = "deceased";
    } else if (c.transfer && c.end != kOpenEnd && c.end - c.start <= rules.transferred_out_days) {
      r.exclusion = "transferred-out";
    }
    // The highest level and the latest response, of the records to the patient and to relatives.
    int64_t latest = INT64_MIN, latest_to_relatives = INT64_MIN;
    auto take = [](const RecordFact& m, int& level, std::string& response, int64_t& latest_sent) {
      level = std::max(level, m.level);
      if (m.sent >= latest_sent) {
        latest_sent = m.sent;
        response = std::string(m.response);
      }
    };
    for (const RecordFact& m : facts.records) {
      if (m.sent < c.start || m.sent > last) continue;
      if (m.to_patient) {
        if (!r.informed || m.sent < r.informed_day) r.informed_day = m.sent;
        r.informed = true;
        take(m, r.level, r.response, latest);
      }
      if (m.to_relatives) {
        r.relatives_informed = true;
        take(m, r.relatives_level, r.relatives_response, latest_to_relatives);
      }
    }
    r.relatives = facts.relatives;
    r.month = DayText(std::max(c.start, rules.from_day)).substr(0, 7);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace selvhjelp::plugin
