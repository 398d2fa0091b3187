#include "plugin/cds/patient_facts.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "fhir/r4/bundle.h"
#include "fhir/r4/coding.h"
#include "fhir/r4/date_time.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

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
std::vector<std::string> MunicipalityCodes(const JsonValue& address) {
  std::vector<std::string> codes;
  auto read = [&codes](const JsonValue* holder, bool property_part) {
    const JsonValue* extensions = holder ? holder->Find("extension") : nullptr;
    if (extensions == nullptr) return;
    for (const JsonValue& ext : extensions->items()) {
      const std::string_view url = ext.FindString("url").value_or("");
      const bool ours = vocabulary::IsMunicipalityExtension(url) || (property_part && url == "municipality");
      const JsonValue* coding = ours ? ext.Find("valueCoding") : nullptr;
      if (coding == nullptr) continue;
      const std::optional<std::string_view> system = coding->FindString("system");
      if (system && *system != vocabulary::kKommunenummerSystem && *system != vocabulary::kKommunenummerOid) continue;
      const std::optional<std::string_view> code = coding->FindString("code");
      if (code && mappings::IsDigits(*code, 4)) codes.emplace_back(*code);
    }
  };
  read(address.Find("_district"), false);
  read(&address, false);
  if (const JsonValue* extensions = address.Find("extension")) {
    for (const JsonValue& ext : extensions->items()) {
      if (ext.FindString("url") == vocabulary::kPropertyInformationExtension) read(&ext, true);
    }
  }
  return codes;
}

// The municipality the address's text names, when it is one of `candidates` (any municipality
// when `candidates` is empty). Without candidates: the district name, then the postal code, then
// the city (no-basis and DIPS put the municipality's name in `district`; a postal code may cross
// a border). Among a split number's successors the postal code comes first, as the name may
// still be the old municipality's.
std::string MunicipalityByText(const JsonValue& address, const mappings::Geography& geo,
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
std::string MunicipalityOfAddress(const JsonValue& address, const mappings::Geography& geo) {
  for (const std::string& code : MunicipalityCodes(address)) {
    const std::vector<std::string> today = geo.TodaysNumbers(code);
    if (today.size() == 1) return today.front();
    if (today.size() > 1) {
      if (std::string chosen = MunicipalityByText(address, geo, today); !chosen.empty()) return chosen;
    }
  }
  return MunicipalityByText(address, geo, {});
}

bool CodesInScope(const JsonValue* concept_or_list, const mappings::DiagnosisTable& table) {
  if (concept_or_list == nullptr) return false;
  std::vector<const JsonValue*> concepts;
  if (concept_or_list->is_array()) {
    for (const JsonValue& c : concept_or_list->items()) concepts.push_back(&c);
  } else {
    concepts.push_back(concept_or_list);
  }
  for (const JsonValue* c : concepts) {
    for (const fhir::Coding& coding : fhir::CodingsOf(*c)) {
      if (table.InScope(coding.system, coding.code)) return true;
    }
  }
  return false;
}

// False for a Condition marked refuted or entered in error.
bool ConditionStands(const JsonValue& condition) {
  if (const JsonValue* verification = condition.Find("verificationStatus")) {
    for (const fhir::Coding& c : fhir::CodingsOf(*verification)) {
      if (c.code == "refuted" || c.code == "entered-in-error") return false;
    }
  }
  return true;
}

// A standing Condition that is active, or says nothing of its clinical status (DIPS sends none).
bool ConditionCounts(const JsonValue& condition) {
  if (!ConditionStands(condition)) return false;
  const JsonValue* clinical = condition.Find("clinicalStatus");
  if (clinical == nullptr) return true;
  for (const fhir::Coding& c : fhir::CodingsOf(*clinical)) {
    if (c.code == "active" || c.code == "recurrence" || c.code == "relapse") return true;
  }
  return false;
}

// The care-episode identifier (DIPS's dips-omsorgsepisodeid) in an Identifier or a list of them.
std::string CareEpisodeIn(const JsonValue* identifier_or_list) {
  if (identifier_or_list == nullptr) return {};
  std::vector<const JsonValue*> identifiers;
  if (identifier_or_list->is_array()) {
    for (const JsonValue& i : identifier_or_list->items()) identifiers.push_back(&i);
  } else {
    identifiers.push_back(identifier_or_list);
  }
  for (const JsonValue* i : identifiers) {
    if (i->FindString("system") == vocabulary::kDipsCareEpisodeSystem) {
      if (auto value = i->FindString("value"); value && !value->empty()) return std::string(*value);
    }
  }
  return {};
}

// True when `reference` (a Reference) points at the current encounter: by literal reference or
// by its care-episode identifier.
bool IsCurrentEncounter(const JsonValue* reference, const PatientFacts& facts) {
  if (reference == nullptr || facts.encounter_id.empty()) return false;
  std::string_view ref = reference->FindString("reference").value_or("");
  if (ref == "Encounter/" + facts.encounter_id) return true;
  return !facts.care_episode.empty() && CareEpisodeIn(reference->Find("identifier")) == facts.care_episode;
}

// The references an Encounter makes to its diagnoses: diagnosis[].condition and reasonReference.
std::vector<std::string> ConditionsOf(const JsonValue& encounter) {
  std::vector<std::string> refs;
  auto add = [&refs](const JsonValue* ref) {
    if (auto text = ref ? ref->AsString() : std::nullopt) refs.emplace_back(*text);
  };
  if (const JsonValue* diagnoses = encounter.Find("diagnosis")) {
    for (const JsonValue& d : diagnoses->items()) add(d.FindPath({"condition", "reference"}));
  }
  if (const JsonValue* reasons = encounter.Find("reasonReference")) {
    for (const JsonValue& r : reasons->items()) add(r.Find("reference"));
  }
  return refs;
}

const JsonValue* Get(const ResolvedData& data, const char* key) {
  auto it = data.find(key);
  return it == data.end() || it->second.is_null() ? nullptr : &it->second;
}

// The code of extension `url`'s valueCoding when it is from `system`; empty otherwise.
std::string ExtensionCode(const JsonValue& resource, std::string_view url, std::string_view system) {
  if (const JsonValue* extensions = resource.Find("extension")) {
    for (const JsonValue& ext : extensions->items()) {
      if (ext.FindString("url") != url) continue;
      if (const JsonValue* coding = ext.Find("valueCoding"); coding && coding->FindString("system") == system) {
        return std::string(coding->FindString("code").value_or(""));
      }
    }
  }
  return {};
}

void ReadRecords(const JsonValue& bundle, PatientFacts& facts) {
  for (const JsonValue* c : fhir::BundleResources(bundle, "Communication")) {
    if (c->FindString("status") != "completed") continue;
    bool ours = false;
    if (const JsonValue* categories = c->Find("category")) {
      for (const JsonValue& category : categories->items()) {
        for (const fhir::Coding& coding : fhir::CodingsOf(category)) {
          ours = ours || (coding.system == vocabulary::kCategorySystem &&
                          coding.code == vocabulary::kCategoryCode);
        }
      }
    }
    if (!ours) continue;
    std::optional<int64_t> day = fhir::EpochDay(c->FindString("sent").value_or(""));
    if (!day) continue;
    PriorRecord record{*day, ExtensionCode(*c, vocabulary::kResponseExtension, vocabulary::kResponseSystem), ""};
    if (const JsonValue* enc = c->FindPath({"encounter", "reference"})) {
      std::string_view ref = enc->AsString().value_or("");  // the EHR may send any JSON type here
      if (ref.rfind("Encounter/", 0) == 0) record.encounter_id = std::string(ref.substr(10));
    }
    if (record.encounter_id.empty() && IsCurrentEncounter(c->Find("encounter"), facts)) {
      record.encounter_id = facts.encounter_id;  // named by its care-episode identifier only
    }
    bool to_patient = false, to_relatives = false;
    if (const JsonValue* recipients = c->Find("recipient")) {
      for (const JsonValue& r : recipients->items()) {
        std::string_view ref = r.FindString("reference").value_or("");
        to_patient = to_patient || ref.rfind("Patient/", 0) == 0;
        to_relatives = to_relatives || ref.rfind("RelatedPerson/", 0) == 0;
      }
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
std::vector<const JsonValue*> CurrentAddresses(const JsonValue& patient) {
  std::vector<const JsonValue*> ordered;
  const JsonValue* addresses = patient.Find("address");
  if (addresses == nullptr) return ordered;
  for (const JsonValue& a : addresses->items()) {
    bool current = a.FindPath({"period", "end"}) == nullptr;
    bool home = a.FindString("use") == "home";
    if (current && home) ordered.insert(ordered.begin(), &a);
    else if (current) ordered.push_back(&a);
  }
  return ordered;
}

}  // namespace

std::optional<Position> PositionOf(const JsonValue& patient) {
  for (const JsonValue* address : CurrentAddresses(patient)) {
    const JsonValue* extensions = address->Find("extension");
    if (extensions == nullptr) continue;
    for (const JsonValue& ext : extensions->items()) {
      if (ext.FindString("url") != "http://hl7.org/fhir/StructureDefinition/geolocation") continue;
      std::optional<double> latitude, longitude;
      if (const JsonValue* parts = ext.Find("extension")) {
        for (const JsonValue& part : parts->items()) {
          const JsonValue* value = part.Find("valueDecimal");
          if (value == nullptr) continue;
          if (part.FindString("url") == "latitude") latitude = value->AsDouble();
          if (part.FindString("url") == "longitude") longitude = value->AsDouble();
        }
      }
      if (latitude && longitude && IsLatitude(*latitude) && IsLongitude(*longitude)) {
        return Position{*latitude, *longitude};
      }
    }
  }
  return std::nullopt;
}

std::string MunicipalityOf(const JsonValue& patient, const mappings::Geography& geography) {
  for (const JsonValue* a : CurrentAddresses(patient)) {
    std::string m = MunicipalityOfAddress(*a, geography);
    if (!m.empty()) return m;
  }
  return {};
}

PatientFacts ExtractFacts(const ResolvedData& data, const mappings::DiagnosisTable& diagnoses,
                          const mappings::Geography& geography) {
  PatientFacts facts;
  const JsonValue* encounter = Get(data, "encounter");
  if (encounter && encounter->FindString("resourceType") != "Encounter") encounter = nullptr;
  if (encounter) {
    facts.encounter_id = std::string(encounter->FindString("id").value_or(""));
    facts.care_episode = CareEpisodeIn(encounter->Find("identifier"));
    facts.in_scope = CodesInScope(encounter->Find("reasonCode"), diagnoses);
  }
  const std::vector<std::string> encounter_conditions = encounter ? ConditionsOf(*encounter) : std::vector<std::string>();
  if (const JsonValue* conditions = Get(data, "conditions")) {
    for (const JsonValue* c : fhir::BundleResources(*conditions, "Condition")) {
      const bool of_encounter =
          IsCurrentEncounter(c->Find("encounter"), facts) ||
          std::find(encounter_conditions.begin(), encounter_conditions.end(), fhir::ReferenceTo(*c)) != encounter_conditions.end();
      const bool counts = of_encounter ? ConditionStands(*c) : ConditionCounts(*c);
      if (counts && CodesInScope(c->Find("code"), diagnoses)) facts.in_scope = true;
    }
  }
  if (const JsonValue* episodes = Get(data, "episodesOfCare")) {
    for (const JsonValue* e : fhir::BundleResources(*episodes, "EpisodeOfCare")) {
      facts.in_scope = facts.in_scope || CodesInScope(e->Find("type"), diagnoses);
    }
  }
  if (const JsonValue* patient = Get(data, "patient")) {
    if (patient->FindString("resourceType") == "Patient") {
      facts.municipality = MunicipalityOf(*patient, geography);
      facts.position = PositionOf(*patient);
    }
  }
  if (const JsonValue* relatives = Get(data, "relatedPersons")) {
    for (const JsonValue* r : fhir::BundleResources(*relatives, "RelatedPerson")) {
      if (r->FindBool("active") == false) continue;
      std::string ref = fhir::ReferenceTo(*r);
      if (!ref.empty()) facts.relative_refs.push_back(ref);
    }
  }
  if (const JsonValue* records = Get(data, "informationRecords")) ReadRecords(*records, facts);
  if (const JsonValue* practitioner = Get(data, "practitioner")) {
    if (const JsonValue* languages = practitioner->Find("communication")) {
      for (const JsonValue& language : languages->items()) {
        for (const fhir::Coding& coding : fhir::CodingsOf(language)) {
          std::string lang = SupportedLanguage(coding.code);
          if (!lang.empty() && facts.practitioner_language.empty()) facts.practitioner_language = lang;
        }
      }
    }
  }
  return facts;
}

}  // namespace selvhjelp::plugin
