#include "plugin/records/record_request.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "fhir/base/status_macros.h"
#include "fhir/r4/date_time.h"
#include "fhir/r4/fhir_id.h"
#include "plugin/cds/card_builder.h"
#include "plugin/cds/vocabulary.h"
#include "plugin/records/norwegian_ids.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// The id after "<type>/" in `reference`, or empty when it is not such a reference.
std::string IdAfter(std::string_view reference, std::string_view type) {
  if (reference.size() <= type.size() + 1 || reference.compare(0, type.size(), type) != 0 ||
      reference[type.size()] != '/') {
    return {};
  }
  std::string_view id = reference.substr(type.size() + 1);
  return fhir::IsFhirId(id) ? std::string(id) : std::string();
}

Result<std::string> OptionalString(const JsonValue& body, const char* key) {
  const JsonValue* v = body.Find(key);
  if (v == nullptr) return std::string();
  if (!v->is_string() || v->AsString()->empty()) return FieldError(key, "expected a non-empty string");
  return std::string(*v->AsString());
}

// Reads a Reference object whose literal reference (when present) is to one of `types` and whose
// identifier (when present) has one of `systems`, checked by `valid_value`.
Result<RecordReference> ReadReference(const JsonValue& value, const std::string& field,
                                      std::initializer_list<std::string_view> types,
                                      std::initializer_list<std::string_view> systems,
                                      bool (*valid_value)(std::string_view system, std::string_view value)) {
  if (!value.is_object()) return FieldError(field, "expected a Reference object");
  for (const auto& [key, member] : value.members()) {
    if (key != "reference" && key != "identifier" && key != "display" && key != "type") {
      return FieldError(field + "." + key, "unknown field");
    }
  }
  RecordReference out;
  if (const JsonValue* ref = value.Find("reference")) {
    std::string_view text = ref->AsString().value_or("");
    bool ok = false;
    for (std::string_view type : types) ok = ok || !IdAfter(text, type).empty();
    if (!ok) {
      std::string expected;
      for (std::string_view type : types) expected += (expected.empty() ? "" : " or ") + std::string(type) + "/<id>";
      return FieldError(field + ".reference", "expected " + expected);
    }
    out.reference = std::string(text);
  }
  if (const JsonValue* identifier = value.Find("identifier")) {
    auto system = identifier->FindString("system");
    auto id_value = identifier->FindString("value");
    if (!identifier->is_object() || !system || !id_value) {
      return FieldError(field + ".identifier", "expected an Identifier with system and value");
    }
    if (std::find(systems.begin(), systems.end(), *system) == systems.end()) {
      std::string expected;
      for (std::string_view s : systems) expected += (expected.empty() ? "" : ", ") + std::string(s);
      return FieldError(field + ".identifier.system", "expected one of " + expected);
    }
    if (!valid_value(*system, *id_value)) {
      return FieldError(field + ".identifier.value", "not a valid number in " + std::string(*system));
    }
    out.identifier_system = std::string(*system);
    out.identifier_value = std::string(*id_value);
  }
  if (const JsonValue* display = value.Find("display")) {
    if (!display->is_string()) return FieldError(field + ".display", "expected a string");
    out.display = std::string(*display->AsString());
  }
  if (out.reference.empty() && out.identifier_value.empty()) {
    return FieldError(field, "needs reference or identifier");
  }
  return out;
}

bool ValidPersonIdentifier(std::string_view system, std::string_view value) {
  if (system == kFhnSystem) return IsShortRegisterNumber(value) || value.size() == 11;
  return IsValidPersonNumber(value);
}
bool ValidHpr(std::string_view, std::string_view value) { return IsShortRegisterNumber(value); }
bool ValidOrganisation(std::string_view system, std::string_view value) {
  return system == kOrgnrSystem ? IsValidOrganisationNumber(value) : IsShortRegisterNumber(value);
}
bool AnyValue(std::string_view, std::string_view) { return true; }

const std::set<std::string, std::less<>> kLevels = {"written", "conversation", "brokered"};
const std::set<std::string, std::less<>> kResponses = {"interested", "thinking", "declined", "already-attends"};
const std::set<std::string, std::less<>> kFields = {"id", "suggestion", "patient", "recipient", "practitioner",
                                                    "encounter", "sent", "level", "response", "groups", "consent"};

}  // namespace

Result<InformationRecord> ParseRecordRequest(const JsonValue& body, int64_t now_seconds, size_t max_groups) {
  if (!body.is_object()) return InvalidArgumentError("(body): expected a JSON object");
  // Every field is checked and each bad one named, so a caller fixes them in one round.
  IssueCollector issues;
  auto problem = [&issues](const std::string& field, const std::string& what) {
    issues.Add(FieldIssue(field, what));
  };
  for (const auto& [key, value] : body.members()) {
    if (kFields.find(key) == kFields.end()) problem(key, "unknown field");
  }
  InformationRecord r;
  const std::string id = issues.Take(OptionalString(body, "id")).value_or("");
  const std::string suggestion = issues.Take(OptionalString(body, "suggestion")).value_or("");
  if (!id.empty() && !IsUuid(id)) problem("id", "expected a UUID (8-4-4-4-12 hex digits)");
  if (!suggestion.empty() && !IsUuid(suggestion)) problem("suggestion", "expected the suggestion's UUID");
  if (!id.empty() && !suggestion.empty() && id != suggestion) {
    problem("suggestion", "differs from id: a record made from a suggestion takes its uuid");
  }
  r.from_suggestion = !suggestion.empty();
  r.id = !suggestion.empty() ? suggestion : !id.empty() ? id : NewUuid();
  std::transform(r.id.begin(), r.id.end(), r.id.begin(), [](unsigned char c) { return std::tolower(c); });

  const JsonValue* patient = body.Find("patient");
  if (patient == nullptr) {
    issues.Merge(RequiredFieldError("patient"));
  } else if (auto ref = issues.Take(ReadReference(*patient, "patient", {"Patient"},
                                                  {kFnrSystem, kDnrSystem, kFhnSystem}, ValidPersonIdentifier))) {
    r.patient = std::move(*ref);
    if (r.patient.reference.empty()) issues.Merge(RequiredFieldError("patient.reference", "(Patient/<id> at the EHR)"));
  }

  if (const JsonValue* recipients = body.Find("recipient")) {
    if (!recipients->is_array() || recipients->items().empty()) {
      problem("recipient", "expected a non-empty array of References");
    } else {
      for (size_t i = 0; i < recipients->items().size(); ++i) {
        const std::string field = "recipient[" + std::to_string(i) + "]";
        auto ref = issues.Take(ReadReference(recipients->items()[i], field, {"Patient", "RelatedPerson"}, {}, AnyValue));
        if (!ref) continue;
        if (ref->reference.empty()) {
          issues.Merge(RequiredFieldError(field + ".reference"));
          continue;
        }
        const bool relative = ref->reference.rfind("RelatedPerson/", 0) == 0;
        if (!relative && !r.patient.reference.empty() && ref->reference != r.patient.reference) {
          problem(field + ".reference", "a Patient recipient must be the record's patient");
        }
        if (i > 0 && relative != r.to_relatives) {
          problem(field, "record the patient and relatives as two records (they are offered apart)");
        }
        r.to_relatives = relative;
        r.recipients.push_back(std::move(*ref));
      }
    }
  } else {
    r.recipients.push_back(RecordReference{r.patient.reference, "", "", ""});
  }

  const JsonValue* practitioner = body.Find("practitioner");
  if (practitioner == nullptr) {
    issues.Merge(RequiredFieldError("practitioner", "(the health worker who informed)"));
  } else if (auto ref = issues.Take(
                 ReadReference(*practitioner, "practitioner", {"Practitioner"}, {kHprSystem}, ValidHpr))) {
    r.practitioner = std::move(*ref);
  }

  if (const JsonValue* encounter = body.Find("encounter")) {
    if (auto ref = issues.Take(ReadReference(*encounter, "encounter", {"Encounter"}, {}, AnyValue))) {
      if (ref->reference.empty()) issues.Merge(RequiredFieldError("encounter.reference"));
      r.encounter_id = IdAfter(ref->reference, "Encounter");
    }
  }

  r.sent = issues.Take(OptionalString(body, "sent")).value_or("");
  if (r.sent.empty()) {
    r.sent = fhir::IsoInstant(now_seconds);
    r.sent_seconds = now_seconds;
  } else if (std::optional<int64_t> at = fhir::EpochSeconds(r.sent); !at) {
    problem("sent", "expected a date-time with seconds and a time zone");
  } else if (*at > now_seconds + 300) {
    problem("sent", "is in the future");
  } else {
    r.sent_seconds = *at;
  }

  r.level = issues.Take(OptionalString(body, "level")).value_or("");
  if (body.Find("level") == nullptr) {
    issues.Merge(RequiredFieldError("level", "(written, conversation or brokered)"));
  } else if (!r.level.empty() && kLevels.find(r.level) == kLevels.end()) {
    problem("level", "expected written, conversation or brokered");
  }
  r.response = issues.Take(OptionalString(body, "response")).value_or("");
  if (body.Find("response") == nullptr) {
    issues.Merge(RequiredFieldError("response", "(interested, thinking, declined or already-attends)"));
  } else if (!r.response.empty() && kResponses.find(r.response) == kResponses.end()) {
    problem("response", "expected interested, thinking, declined or already-attends");
  }

  if (const JsonValue* groups = body.Find("groups")) {
    if (!groups->is_array()) {
      problem("groups", "expected an array of HealthcareService ids");
    } else if (groups->items().size() > max_groups) {
      problem("groups", "at most " + std::to_string(max_groups) + " groups in one record (records.maxGroupsPerRecord)");
    } else {
      for (size_t i = 0; i < groups->items().size(); ++i) {
        std::string_view gid = groups->items()[i].AsString().value_or("");
        if (!fhir::IsFhirId(gid)) {
          problem("groups[" + std::to_string(i) + "]", "expected a HealthcareService id");
          continue;
        }
        r.group_ids.emplace_back(gid);
      }
    }
  }

  const JsonValue* consent = body.Find("consent");
  if (r.level == "brokered") {
    if (r.to_relatives) problem("level", "brokered contact is recorded for the patient (it needs their consent)");
    if (consent == nullptr || !consent->is_object() || consent->Find("organization") == nullptr) {
      issues.Merge(RequiredFieldError("consent.organization",
                                      "when level is brokered: who may receive the contact details"));
    } else if (auto organisation = issues.Take(ReadReference(*consent->Find("organization"), "consent.organization",
                                                             {"Organization"}, {kOrgnrSystem, kReshSystem},
                                                             ValidOrganisation))) {
      r.consent_organisation = std::move(*organisation);
      if (r.consent_organisation.display.empty() && r.consent_organisation.reference.empty()) {
        issues.Merge(RequiredFieldError("consent.organization.display",
                                        "with an identifier only (the name the patient agreed to)"));
      }
    }
    if (consent != nullptr && consent->is_object()) {
      for (const auto& [key, member] : consent->members()) {
        if (key != "organization" && key != "shares") problem("consent." + key, "unknown field");
      }
      if (const JsonValue* shares = consent->Find("shares")) {
        std::string_view code = shares->AsString().value_or("");
        if (vocabulary::FindSharedDetails(code) == nullptr) {
          problem("consent.shares", "expected name-and-phone, name-and-email or name-only");
        } else {
          r.consent_shares = std::string(code);
        }
      }
    }
  } else if (consent != nullptr) {
    problem("consent", "only for level brokered");
  }
  if (!issues.empty()) return issues.ToStatus();
  return r;
}

Result<JsonValue> RecordRequestFromParameters(const JsonValue& parameters) {
  if (parameters.FindString("resourceType") != "Parameters") {
    return FieldError("resourceType", "expected Parameters");
  }
  JsonValue body = JsonValue::Object();
  const JsonValue* list = parameters.Find("parameter");
  if (list == nullptr || !list->is_array()) return RequiredFieldError("parameter");
  for (size_t i = 0; i < list->items().size(); ++i) {
    const JsonValue& p = list->items()[i];
    const std::string field = "parameter[" + std::to_string(i) + "]";
    std::string name(p.FindString("name").value_or(""));
    const JsonValue* value = nullptr;
    for (const char* key : {"valueReference", "valueCode", "valueDateTime", "valueId", "valueString"}) {
      if (const JsonValue* v = p.Find(key)) value = v;
    }
    if (name.empty() || value == nullptr) return FieldError(field, "needs a name and a value[x]");
    if (name == "group" || name == "recipient") {
      std::string key = name == "group" ? "groups" : "recipient";
      JsonValue* array = body.MutableFind(key);
      if (array == nullptr) array = &body.Set(key, JsonValue::Array());
      array->Append(*value);
    } else if (name == "consentOrganization" || name == "consentShares") {
      JsonValue* consent = body.MutableFind("consent");
      if (consent == nullptr) consent = &body.Set("consent", JsonValue::Object());
      const char* key = name == "consentOrganization" ? "organization" : "shares";
      if (consent->Find(key) != nullptr) return FieldError(field, "'" + name + "' given twice");
      consent->Set(key, *value);
    } else if (kFields.find(name) != kFields.end() && name != "groups" && name != "consent") {
      if (body.Find(name) != nullptr) return FieldError(field, "'" + name + "' given twice");
      body.Set(name, *value);
    } else {
      return FieldError(field + ".name", "unknown parameter '" + name + "'");
    }
  }
  return body;
}

}  // namespace selvhjelp::plugin
