#include "plugin/cds/patient_facts.h"

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

std::optional<std::string> MunicipalityExtension(const JsonValue* holder) {
  if (holder == nullptr) return std::nullopt;
  const JsonValue* extensions = holder->Find("extension");
  if (extensions == nullptr) return std::nullopt;
  for (const JsonValue& ext : extensions->items()) {
    if (ext.FindString("url") != vocabulary::kMunicipalityExtension) continue;
    if (const JsonValue* coding = ext.Find("valueCoding")) {
      auto code = coding->FindString("code");
      if (code && mappings::IsDigits(*code, 4)) return std::string(*code);
    }
  }
  return std::nullopt;
}

std::string MunicipalityOfAddress(const JsonValue& address, const mappings::Geography& geo) {
  if (auto m = MunicipalityExtension(address.Find("_district"))) return *m;
  if (auto m = MunicipalityExtension(&address)) return *m;
  if (auto district = address.FindString("district")) {
    if (auto m = geo.MunicipalityByName(*district)) return *m;
  }
  if (auto postal = address.FindString("postalCode")) {
    if (auto m = geo.MunicipalityByPostalCode(*postal)) return *m;
  }
  if (auto city = address.FindString("city")) {
    if (auto m = geo.MunicipalityByName(*city)) return *m;
  }
  return {};
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

bool ConditionCounts(const JsonValue& condition) {
  for (const fhir::Coding& c : fhir::CodingsOf(condition.Find("verificationStatus") ? *condition.Find("verificationStatus") : JsonValue())) {
    if (c.code == "refuted" || c.code == "entered-in-error") return false;
  }
  const JsonValue* clinical = condition.Find("clinicalStatus");
  if (clinical == nullptr) return true;
  for (const fhir::Coding& c : fhir::CodingsOf(*clinical)) {
    if (c.code == "active" || c.code == "recurrence" || c.code == "relapse") return true;
  }
  return false;
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
  if (const JsonValue* conditions = Get(data, "conditions")) {
    for (const JsonValue* c : fhir::BundleResources(*conditions, "Condition")) {
      if (ConditionCounts(*c) && CodesInScope(c->Find("code"), diagnoses)) facts.in_scope = true;
    }
  }
  if (const JsonValue* encounter = Get(data, "encounter")) {
    facts.in_scope = facts.in_scope || CodesInScope(encounter->Find("reasonCode"), diagnoses);
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
