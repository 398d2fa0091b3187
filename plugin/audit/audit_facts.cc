#include "plugin/audit/audit_facts.h"

#include <array>
#include <charconv>

#include "fhir/r4/date_time.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

using fhir::JsonView;

int LevelRank(std::string_view code) {
  if (code == "written") return 1;
  if (code == "conversation") return 2;
  if (code == "brokered") return 3;
  return 0;
}

std::string_view LevelCode(int rank) {
  static constexpr std::string_view kCodes[] = {"none", "written", "conversation", "brokered"};
  return rank >= 0 && rank <= 3 ? kCodes[rank] : "none";
}

namespace {

// The id after "<type>/" in a reference (relative or absolute), or empty.
std::string_view IdIn(std::string_view reference, std::string_view type) {
  // "<type>/<id>", "<base>/<type>/<id>" or either with "/_history/<n>".
  for (size_t at = reference.rfind(type); at != std::string_view::npos; at = at == 0 ? std::string_view::npos : reference.rfind(type, at - 1)) {
    const size_t after = at + type.size();
    if ((at == 0 || reference[at - 1] == '/') && after < reference.size() && reference[after] == '/') {
      std::string_view id = reference.substr(after + 1);
      return id.substr(0, id.find('/'));
    }
  }
  return {};
}

int64_t Day(std::string_view date, int64_t otherwise) {
  std::optional<int64_t> day = fhir::EpochDay(date);
  return day ? *day : otherwise;
}

template <typename Test>
bool AnyCoding(const JsonView& codeable, const Test& test) {
  JsonView codings = codeable["coding"];
  for (size_t i = 0; i < codings.size(); ++i) {
    if (test(codings.at(i).String("system"), codings.at(i).String("code"))) return true;
  }
  return false;
}

template <typename Test>
bool AnyConcept(const JsonView& list, const Test& test) {
  if (list.is_object()) return AnyCoding(list, test);
  for (size_t i = 0; i < list.size(); ++i) {
    if (AnyCoding(list.at(i), test)) return true;
  }
  return false;
}

// The ids of Conditions a resource's `diagnosis[].condition` references.
std::string ConditionIds(const JsonView& resource) {
  std::string ids;
  JsonView diagnoses = resource["diagnosis"];
  for (size_t i = 0; i < diagnoses.size(); ++i) {
    std::string_view id = IdIn(diagnoses.at(i)["condition"].String("reference"), "Condition");
    if (!id.empty()) ids += (ids.empty() ? "" : ",") + std::string(id);
  }
  return ids;
}

// Writes `fields` tab-separated (tabs and newlines inside them become spaces) as `line`.
bool Join(std::string& line, std::initializer_list<std::string_view> fields) {
  line.clear();
  for (std::string_view f : fields) {
    if (!line.empty()) line.push_back('\t');
    const size_t at = line.size();
    line.append(f);
    for (size_t i = at; i < line.size(); ++i) {
      if (line[i] == '\t' || line[i] == '\n') line[i] = ' ';
    }
  }
  return true;
}

std::string Num(int64_t n) { return std::to_string(n); }

bool Usable(const JsonView& r) {
  std::string_view status = r.String("status");
  return status != "entered-in-error" && status != "cancelled";
}

std::string_view ExtensionCode(const JsonView& resource, std::string_view url) {
  JsonView extensions = resource["extension"];
  for (size_t i = 0; i < extensions.size(); ++i) {
    if (extensions.at(i).String("url") == url) return extensions.at(i)["valueCoding"].String("code");
  }
  return {};
}

}  // namespace

bool FactLine(const JsonView& r, const AuditRules& rules, std::string& line) {
  const std::string_view type = r.String("resourceType");
  auto qualifying = [&rules](std::string_view system, std::string_view code) {
    return rules.diagnoses != nullptr && rules.diagnoses->InScope(system, code);
  };
  if (type == "Patient") {
    std::string_view id = r.String("id");
    if (id.empty()) return false;
    JsonView deceased_date = r["deceasedDateTime"];
    const bool deceased = r["deceasedBoolean"].AsBool(false) || deceased_date.is_string();
    const int64_t day = deceased_date.is_string() ? Day(deceased_date.AsString(), kUnknownDay) : kUnknownDay;
    std::string_view identifier;
    JsonView identifiers = r["identifier"];
    for (size_t i = 0; i < identifiers.size() && identifier.empty(); ++i) {
      std::string_view system = identifiers.at(i).String("system");
      if (system == "urn:oid:2.16.578.1.12.4.1.4.1" || system == "urn:oid:2.16.578.1.12.4.1.4.2") {
        identifier = identifiers.at(i).String("value");
      }
    }
    return Join(line, {"P", id, deceased ? "1" : "0", Num(day), identifier});
  }
  if (type == "EpisodeOfCare") {
    std::string_view patient = IdIn(r["patient"].String("reference"), "Patient");
    if (patient.empty() || !Usable(r)) return false;
    const bool typed = AnyConcept(r["type"], [&rules](std::string_view system, std::string_view code) {
      return rules.episode_types.count({std::string(system), std::string(code)}) > 0;
    });
    return Join(line, {"E", patient, r.String("id"), Num(Day(r["period"].String("start"), kOpenEnd)),
                 Num(Day(r["period"].String("end"), kOpenEnd)), r["managingOrganization"].String("reference"),
                 typed ? "1" : "0", ConditionIds(r)});
  }
  if (type == "Encounter") {
    std::string_view patient = IdIn(r["subject"].String("reference"), "Patient");
    if (patient.empty() || !Usable(r)) return false;
    std::string_view episode;
    JsonView episodes = r["episodeOfCare"];
    if (episodes.size() > 0) episode = IdIn(episodes.at(0).String("reference"), "EpisodeOfCare");
    const bool transfer = AnyCoding(r["hospitalization"]["dischargeDisposition"], [](std::string_view s, std::string_view c) {
      return s == "http://terminology.hl7.org/CodeSystem/discharge-disposition" && c == "other-hcf";
    });
    return Join(line, {"N", patient, r.String("id"), Num(Day(r["period"].String("start"), kOpenEnd)),
                 Num(Day(r["period"].String("end"), kOpenEnd)), r["serviceProvider"].String("reference"), episode,
                 AnyConcept(r["reasonCode"], qualifying) ? "1" : "0", ConditionIds(r), transfer ? "1" : "0"});
  }
  if (type == "Condition") {
    std::string_view patient = IdIn(r["subject"].String("reference"), "Patient");
    if (patient.empty() || !AnyConcept(r["code"], qualifying)) return false;
    if (AnyConcept(r["verificationStatus"], [](std::string_view, std::string_view c) {
          return c == "entered-in-error" || c == "refuted";
        })) {
      return false;
    }
    return Join(line, {"C", patient, r.String("id")});
  }
  if (type == "RelatedPerson") {
    std::string_view patient = IdIn(r["patient"].String("reference"), "Patient");
    if (patient.empty() || !r["active"].AsBool(true)) return false;
    return Join(line, {"R", patient, r.String("id")});
  }
  if (type == "Communication") {
    if (rules.store_records != nullptr) return false;  // the records come from our store
    std::string_view patient = IdIn(r["subject"].String("reference"), "Patient");
    if (patient.empty() || r.String("status") != "completed") return false;
    if (!AnyConcept(r["category"], [](std::string_view s, std::string_view c) {
          return s == vocabulary::kCategorySystem && c == vocabulary::kCategoryCode;
        })) {
      return false;
    }
    const int64_t sent = Day(r.String("sent"), kOpenEnd);
    if (sent == kOpenEnd) return false;
    bool to_patient = false, to_relatives = false;
    JsonView recipients = r["recipient"];
    for (size_t i = 0; i < recipients.size(); ++i) {
      std::string_view ref = recipients.at(i).String("reference");
      to_patient = to_patient || IdIn(ref, "Patient") == patient;
      to_relatives = to_relatives || !IdIn(ref, "RelatedPerson").empty();
    }
    const int level = LevelRank(ExtensionCode(r, vocabulary::kLevelExtension));
    return Join(line, {"M", patient, Num(sent), to_patient ? "1" : "0", to_relatives ? "1" : "0", Num(level),
                 ExtensionCode(r, vocabulary::kResponseExtension)});
  }
  return false;
}

namespace {

// Up to kMaxFields fields of a line; `count` says how many there were (more: kMaxFields + 1).
constexpr size_t kMaxFields = 12;
struct Fields {
  std::array<std::string_view, kMaxFields> at;
  size_t count = 0;
  std::string_view operator[](size_t i) const { return at[i]; }
  size_t size() const { return count; }
};

Fields Split(std::string_view line, char sep) {
  Fields out;
  size_t from = 0;
  for (;;) {
    size_t next = line.find(sep, from);
    if (out.count == kMaxFields) {
      ++out.count;
      return out;
    }
    out.at[out.count++] = line.substr(from, next == std::string_view::npos ? std::string_view::npos : next - from);
    if (next == std::string_view::npos) return out;
    from = next + 1;
  }
}


bool Int(std::string_view text, int64_t& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

void PatientAuditFacts::Clear() {
  patient.reset();
  episodes.clear();
  encounters.clear();
  qualifying_conditions.clear();
  relatives = 0;
  records.clear();
}

std::string_view PatientOfFactLine(std::string_view line) {
  if (line.size() < 3 || line[1] != '\t') return {};
  return line.substr(2, line.find('\t', 2) - 2);
}

bool AddFactLine(std::string_view line, PatientAuditFacts& facts) {
  const Fields f = Split(line, '\t');
  if (f.size() < 3 || f[0].size() != 1) return false;
  switch (f[0][0]) {
    case 'P': {
      PatientFact p;
      if (f.size() != 5 || !Int(f[3], p.deceased_day)) return false;
      p.deceased = f[2] == "1";
      p.identifier = f[4];
      facts.patient = std::move(p);
      return true;
    }
    case 'E': {
      EpisodeFact e;
      if (f.size() != 8 || !Int(f[3], e.start) || !Int(f[4], e.end)) return false;
      e.id = f[2];
      e.unit = f[5];
      e.typed = f[6] == "1";
      e.conditions = f[7];
      facts.episodes.push_back(std::move(e));
      return true;
    }
    case 'N': {
      EncounterFact n;
      if (f.size() != 10 || !Int(f[3], n.start) || !Int(f[4], n.end)) return false;
      n.id = f[2];
      n.unit = f[5];
      n.episode = f[6];
      n.reason = f[7] == "1";
      n.conditions = f[8];
      n.transfer = f[9] == "1";
      facts.encounters.push_back(std::move(n));
      return true;
    }
    case 'C':
      facts.qualifying_conditions.push_back(f[2]);
      return true;
    case 'R':
      ++facts.relatives;
      return true;
    case 'M': {
      RecordFact m;
      int64_t level = 0;
      if (f.size() != 7 || !Int(f[2], m.sent) || !Int(f[5], level)) return false;
      m.to_patient = f[3] == "1";
      m.to_relatives = f[4] == "1";
      m.level = static_cast<int>(level);
      m.response = f[6];
      facts.records.push_back(std::move(m));
      return true;
    }
    default:
      return false;
  }
}

}  // namespace selvhjelp::plugin
