#include "plugin/cds/patient_facts.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "fhir/r4/bundle.h"
#include "fhir/r4/coding.h"
#include "fhir/r4/date_time.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

using fhir::JsonRef;

std::string SupportedLanguage(std::string_view tag) {
  std::string primary;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    primary.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (primary == "nb" || primary == "no") return "nb";
  if (primary == "nn" || primary == "en") return primary;
  return {};
}

std::string LanguageFromAcceptLanguage(std::string_view header) {
  std::string best;
  double best_q = 0;
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(start, end - start);
    start = end + 1;
    double q = 1.0;
    size_t semi = item.find(';');
    std::string_view tag = item.substr(0, semi);
    if (semi != std::string_view::npos) {
      size_t qpos = item.find("q=", semi);
      if (qpos != std::string_view::npos) q = std::strtod(std::string(item.substr(qpos + 2)).c_str(), nullptr);
    }
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    std::string lang = SupportedLanguage(tag);
    if (!lang.empty() && q > best_q) {
      best = lang;
      best_q = q;
    }
  }
  return best;
}

namespace {

// The municipality codes an address carries, most specific first: extensions on
// Address.district, then on the Address, then inside no-basis-propertyinformation (the
// property's municipality). Each is the no-basis municipality code or DIPS Arena's own
// extension, with a kommunenummer system (or none); other codings are ignored.
std::vector<std::string> MunicipalityCodes(JsonRef address) {
  std::vector<std::string> codes;
  auto read = [&codes](JsonRef holder, bool property_part) {
    for (JsonRef ext : holder.Find("extension").items()) {
      const std::string_view url = ext.FindString("url").value_or("");
      const bool ours = vocabulary::IsMunicipalityExtension(url) || (property_part && url == "municipality");
      const JsonRef coding = ours ? ext.Find("valueCoding") : JsonRef();
      if (!coding) continue;
      const std::optional<std::string_view> system = coding.FindString("system");
      if (system && *system != vocabulary::kKommunenummerSystem && *system != vocabulary::kKommunenummerOid) continue;
      const std::optional<std::string_view> code = coding.FindString("code");
      if (code && mappings::IsDigits(*code, 4)) codes.emplace_back(*code);
    }
  };
  read(address.Find("_district"), false);
  read(address, false);
  for (JsonRef ext : address.Find("extension").items()) {
    if (ext.FindString("url") == vocabulary::kPropertyInformationExtension) read(ext, true);
  }
  return codes;
}

// The municipality the address's text names, when it is one of `candidates` (any municipality
// when `candidates` is empty). Without candidates: the district name, then the postal code, then
// the city (no-basis and DIPS put the municipality's name in `district`; a postal code may cross
// a border). Among a split number's successors the postal code comes first, as the name may
// still be the old municipality's.
std::string MunicipalityByText(JsonRef address, const mappings::Geography& geo,
                               const std::vector<std::string>& candidates) {
  auto fits = [&candidates](const std::optional<std::string>& m) {
    return m && (candidates.empty() || std::find(candidates.begin(), candidates.end(), *m) != candidates.end());
  };
  std::optional<std::string> by_district, by_postal, by_city;
  if (auto district = address.FindString("district")) by_district = geo.MunicipalityByName(*district);
  if (auto postal = address.FindString("postalCode")) by_postal = geo.MunicipalityByPostalCode(*postal);
  if (auto city = address.FindString("city")) by_city = geo.MunicipalityByName(*city);
  const std::optional<std::string>* order_free[] = {&by_district, &by_postal, &by_city};
  const std::optional<std::string>* order_split[] = {&by_postal, &by_district, &by_city};
  for (const std::optional<std::string>* m : candidates.empty() ? order_free : order_split) {
    if (fits(*m)) return **m;
  }
  return {};
}

// An address's municipality today. A coded number is read as today's (a retired number through
// the changes table; a split one decided by the postal code or name among its successors); an
// unknown code, like no code, leaves the district name, postal code and city to decide.
// `state` is never read: no-basis puts the county's name there, DIPS the county's number.
std::string MunicipalityOfAddress(JsonRef address, const mappings::Geography& geo) {
  for (const std::string& code : MunicipalityCodes(address)) {
    const std::vector<std::string> today = geo.TodaysNumbers(code);
    if (today.size() == 1) return today.front();
    if (today.size() > 1) {
      if (std::string chosen = MunicipalityByText(address, geo, today); !chosen.empty()) return chosen;
    }
  }
  return MunicipalityByText(address, geo, {});
}

// A CodeableConcept, or each of a list of them.
template <typename F>
bool AnyConcept(JsonRef concept_or_list, F&& test) {
  if (!concept_or_list.is_array()) return concept_or_list && test(concept_or_list);
  for (JsonRef c : concept_or_list.items()) {
    if (test(c)) return true;
  }
  return false;
}

bool CodesInScope(JsonRef concept_or_list, const mappings::DiagnosisTable& table) {
  return AnyConcept(concept_or_list, [&table](JsonRef c) {
    return fhir::AnyCoding(c, [&table](const fhir::CodingRef& coding) { return table.InScope(coding.system, coding.code); });
  });
}

// False for a Condition marked refuted or entered in error.
bool ConditionStands(JsonRef condition) {
  return !fhir::AnyCoding(condition.Find("verificationStatus"), [](const fhir::CodingRef& c) {
    return c.code == "refuted" || c.code == "entered-in-error";
  });
}

// A standing Condition that is active, or says nothing of its clinical status (DIPS sends none).
bool ConditionCounts(JsonRef condition) {
  if (!ConditionStands(condition)) return false;
  const JsonRef clinical = condition.Find("clinicalStatus");
  if (!clinical) return true;
  return fhir::AnyCoding(clinical, [](const fhir::CodingRef& c) {
    return c.code == "active" || c.code == "recurrence" || c.code == "relapse";
  });
}

// The care-episode identifier (DIPS's dips-omsorgsepisodeid) in an Identifier or a list of them.
std::string CareEpisodeIn(JsonRef identifier_or_list) {
  std::string found;
  AnyConcept(identifier_or_list, [&found](JsonRef i) {
    if (i.FindString("system") != vocabulary::kDipsCareEpisodeSystem) return false;
    auto value = i.FindString("value");
    if (value && !value->empty()) found = std::string(*value);
    return !found.empty();
  });
  return found;
}

// True when `reference` (a Reference) points at the current encounter: by literal reference or
// by its care-episode identifier.
bool IsCurrentEncounter(JsonRef reference, const PatientFacts& facts) {
  if (!reference || facts.encounter_id.empty()) return false;
  std::string_view ref = reference.FindString("reference").value_or("");
  if (ref.size() == 10 + facts.encounter_id.size() && ref.rfind("Encounter/", 0) == 0 &&
      ref.substr(10) == facts.encounter_id) {
    return true;
  }
  return !facts.care_episode.empty() && CareEpisodeIn(reference.Find("identifier")) == facts.care_episode;
}

// The references an Encounter makes to its diagnoses: diagnosis[].condition and reasonReference.
std::vector<std::string> ConditionsOf(JsonRef encounter) {
  std::vector<std::string> refs;
  auto add = [&refs](JsonRef ref) {
    if (auto text = ref.AsString()) refs.emplace_back(*text);
  };
  for (JsonRef d : encounter.Find("diagnosis").items()) add(d.FindPath({"condition", "reference"}));
  for (JsonRef r : encounter.Find("reasonReference").items()) add(r.Find("reference"));
  return refs;
}

// The value of `key`; absent when it is absent or null.
JsonRef Get(const ResolvedData& data, std::string_view key) {
  const JsonRef found = data.Find(key);
  return found.is_null() ? JsonRef() : found;
}

// The code of extension `url`'s valueCoding when it is from `system`; empty otherwise.
std::string ExtensionCode(JsonRef resource, std::string_view url, std::string_view system) {
  for (JsonRef ext : resource.Find("extension").items()) {
    if (ext.FindString("url") != url) continue;
    if (const JsonRef coding = ext.Find("valueCoding"); coding && coding.FindString("system") == system) {
      return std::string(coding.FindString("code").value_or(""));
    }
  }
  return {};
}

void ReadRecords(JsonRef bundle, PatientFacts& facts) {
  for (JsonRef c : fhir::BundleResources(bundle, "Communication")) {
    if (c.FindString("status") != "completed") continue;
    bool ours = false;
    for (JsonRef category : c.Find("category").items()) {
      ours = ours || fhir::AnyCoding(category, [](const fhir::CodingRef& coding) {
        return coding.system == vocabulary::kCategorySystem && coding.code == vocabulary::kCategoryCode;
      });
    }
    if (!ours) continue;
    std::optional<int64_t> day = fhir::EpochDay(c.FindString("sent").value_or(""));
    if (!day) continue;
    PriorRecord record{*day, ExtensionCode(c, vocabulary::kResponseExtension, vocabulary::kResponseSystem), ""};
    if (const JsonRef enc = c.FindPath({"encounter", "reference"})) {
      std::string_view ref = enc.AsString().value_or("");  // the EHR may send any JSON type here
      if (ref.rfind("Encounter/", 0) == 0) record.encounter_id = std::string(ref.substr(10));
    }
    if (record.encounter_id.empty() && IsCurrentEncounter(c.Find("encounter"), facts)) {
      record.encounter_id = facts.encounter_id;  // named by its care-episode identifier only
    }
    bool to_patient = false, to_relatives = false;
    for (JsonRef r : c.Find("recipient").items()) {
      std::string_view ref = r.FindString("reference").value_or("");
      to_patient = to_patient || ref.rfind("Patient/", 0) == 0;
      to_relatives = to_relatives || ref.rfind("RelatedPerson/", 0) == 0;
    }
    auto keep_latest = [&record](std::optional<PriorRecord>& slot) {
      if (!slot || slot->sent_day < record.sent_day) slot = record;
    };
    if (to_patient) keep_latest(facts.latest_to_patient);
    if (to_relatives) keep_latest(facts.latest_to_relatives);
  }
}

}  // namespace

namespace {

// Current addresses, home addresses first.
std::vector<JsonRef> CurrentAddresses(JsonRef patient) {
  std::vector<JsonRef> ordered;
  for (JsonRef a : patient.Find("address").items()) {
    bool current = !a.FindPath({"period", "end"});
    bool home = a.FindString("use") == "home";
    if (current && home) ordered.insert(ordered.begin(), a);
    else if (current) ordered.push_back(a);
  }
  return ordered;
}

}  // namespace

std::optional<Position> PositionOf(JsonRef patient) {
  for (JsonRef address : CurrentAddresses(patient)) {
    for (JsonRef ext : address.Find("extension").items()) {
      if (ext.FindString("url") != "http://hl7.org/fhir/StructureDefinition/geolocation") continue;
      std::optional<double> latitude, longitude;
      for (JsonRef part : ext.Find("extension").items()) {
        const JsonRef value = part.Find("valueDecimal");
        if (!value) continue;
        if (part.FindString("url") == "latitude") latitude = value.AsDouble();
        if (part.FindString("url") == "longitude") longitude = value.AsDouble();
      }
      if (latitude && longitude && IsLatitude(*latitude) && IsLongitude(*longitude)) {
        return Position{*latitude, *longitude};
      }
    }
  }
  return std::nullopt;
}

std::string MunicipalityOf(JsonRef patient, const mappings::Geography& geography) {
  for (JsonRef a : CurrentAddresses(patient)) {
    std::string m = MunicipalityOfAddress(a, geography);
    if (!m.empty()) return m;
  }
  return {};
}

PatientFacts ExtractFacts(const ResolvedData& data, const mappings::DiagnosisTable& diagnoses,
                          const mappings::Geography& geography) {
  PatientFacts facts;
  JsonRef encounter = Get(data, "encounter");
  if (encounter && encounter.FindString("resourceType") != "Encounter") encounter = JsonRef();
  if (encounter) {
    facts.encounter_id = std::string(encounter.FindString("id").value_or(""));
    facts.care_episode = CareEpisodeIn(encounter.Find("identifier"));
    facts.in_scope = CodesInScope(encounter.Find("reasonCode"), diagnoses);
  }
  const std::vector<std::string> encounter_conditions = encounter ? ConditionsOf(encounter) : std::vector<std::string>();
  auto named_by_encounter = [&encounter_conditions](JsonRef condition) {
    return !encounter_conditions.empty() &&
           std::find(encounter_conditions.begin(), encounter_conditions.end(), fhir::ReferenceTo(condition)) !=
               encounter_conditions.end();
  };
  for (JsonRef c : fhir::BundleResources(Get(data, "conditions"), "Condition")) {
    const bool of_encounter = IsCurrentEncounter(c.Find("encounter"), facts) || named_by_encounter(c);
    const bool counts = of_encounter ? ConditionStands(c) : ConditionCounts(c);
    if (counts && CodesInScope(c.Find("code"), diagnoses)) facts.in_scope = true;
  }
  for (JsonRef e : fhir::BundleResources(Get(data, "episodesOfCare"), "EpisodeOfCare")) {
    facts.in_scope = facts.in_scope || CodesInScope(e.Find("type"), diagnoses);
  }
  if (const JsonRef patient = Get(data, "patient"); patient.FindString("resourceType") == "Patient") {
    facts.municipality = MunicipalityOf(patient, geography);
    facts.position = PositionOf(patient);
  }
  for (JsonRef r : fhir::BundleResources(Get(data, "relatedPersons"), "RelatedPerson")) {
    if (r.FindBool("active") == false) continue;
    std::string ref = fhir::ReferenceTo(r);
    if (!ref.empty()) facts.relative_refs.push_back(ref);
  }
  if (const JsonRef records = Get(data, "informationRecords")) ReadRecords(records, facts);
  for (JsonRef language : Get(data, "practitioner").Find("communication").items()) {
    fhir::AnyCoding(language, [&facts](const fhir::CodingRef& coding) {
      std::string lang = SupportedLanguage(coding.code);
      if (!lang.empty() && facts.practitioner_language.empty()) facts.practitioner_language = lang;
      return false;
    });
  }
  return facts;
}

}  // namespace selvhjelp::plugin
