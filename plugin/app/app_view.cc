#include "plugin/app/app_view.h"

#include <cctype>

#include "fhir/json/json_reader.h"
#include "fhir/r4/date_time.h"
#include "plugin/groups/healthcare_service.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

constexpr const char* kHprSystem = "urn:oid:2.16.578.1.12.4.1.4.4";
constexpr const char* kOrgnrSystem = "urn:oid:2.16.578.1.12.4.1.4.101";

JsonValue Strings(const std::vector<std::string>& values) {
  JsonValue list = JsonValue::Array();
  for (const std::string& v : values) list.Append(JsonValue::String(v));
  return list;
}

const char* FormatName(Format f) { return f == Format::kDigital ? "digital" : f == Format::kBoth ? "both" : "in-person"; }
const char* AudienceName(Audience a) { return a == Audience::kRelatives ? "relatives" : a == Audience::kBoth ? "both" : "person"; }

JsonValue GroupJson(const Group& g, const PatientDecision& decision,
                    const std::function<std::string(const Group&, const std::string&)>& when_words) {
  JsonValue json = JsonValue::Object();
  json.Set("id", HealthcareServiceId(g));  // as records and the directory name it
  json.Set("name", g.name);
  json.Set("organisation", g.organisation);
  if (!g.details->organisation_number.empty()) {
    JsonValue& identifier = json.Set("organisationIdentifier", JsonValue::Object());
    identifier.Set("system", kOrgnrSystem);
    identifier.Set("value", g.details->organisation_number);
  }
  json.Set("twelveStep", JsonValue::Bool(g.twelve_step));
  json.Set("format", FormatName(g.format));
  json.Set("audience", AudienceName(g.audience));
  json.Set("themes", Strings(g.themes));
  json.Set("languages", Strings(g.languages));
  json.Set("when", when_words(g, decision.language));
  std::string where = g.address.line;
  if (!g.address.city.empty()) where += (where.empty() ? "" : ", ") + g.address.city;
  if (!where.empty()) json.Set("where", where);
  if (decision.facts.position && g.address.latitude && g.address.longitude) {
    const double km = DistanceKm(*decision.facts.position, {*g.address.latitude, *g.address.longitude});
    const int64_t tenths = static_cast<int64_t>(km * 10 + 0.5);
    json.Set("distanceKm", JsonValue::RawNumber(std::to_string(tenths / 10) + "." + std::to_string(tenths % 10)));
  }
  if (!g.details->phone.empty()) json.Set("phone", g.details->phone);
  if (!g.details->email.empty()) json.Set("email", g.details->email);
  if (!g.details->website.empty()) json.Set("website", g.details->website);
  if (IsContactPoint(g)) json.Set("kind", "contact-point");
  if (g.national) json.Set("national", JsonValue::Bool(true));
  if (g.access != Access::kUnknown) json.Set("access", g.access == Access::kOpen ? "open" : "closed");
  if (g.min_age > 0) json.Set("minAge", JsonValue::Int(g.min_age));
  if (g.wheelchair) json.Set("wheelchair", JsonValue::Bool(true));
  if (!g.report_to.empty()) json.Set("reportTo", g.report_to);
  return json;
}

JsonValue LastRecord(const RecipientDecision& r) {
  // The later of the EHR's record and ours (feedback or outbox), by day.
  const int64_t ehr_day = r.ehr_record ? r.ehr_record->sent_day : -1;
  const int64_t local_day = r.local_record ? r.local_record->at / 86400 : -1;
  if (ehr_day < 0 && local_day < 0) return JsonValue();
  JsonValue json = JsonValue::Object();
  if (ehr_day >= local_day) {
    json.Set("date", fhir::IsoInstant(ehr_day * 86400).substr(0, 10));
    json.Set("from", "ehr");
    if (!r.ehr_record->response.empty()) json.Set("response", r.ehr_record->response);
  } else {
    json.Set("date", fhir::IsoInstant(r.local_record->at).substr(0, 10));
    json.Set("from", "selvhjelp");
    json.Set("outcome", r.local_record->override_code.empty() ? r.local_record->outcome : r.local_record->override_code);
  }
  return json;
}

Status Field(const std::string& field, const std::string& what) { return FieldError(field, what); }

}  // namespace

std::string CardOfAppContext(const std::string& app_context) {
  Result<JsonValue> parsed = fhir::ParseJson(app_context);
  if (!parsed.ok() || !parsed->is_object()) return {};
  const std::string card(parsed->FindString("card").value_or(""));
  if (card.size() != 36) return {};
  for (size_t i = 0; i < card.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? card[i] != '-' : !std::isxdigit(static_cast<unsigned char>(card[i]))) return {};
  }
  return card;
}

JsonValue ContextJson(const AppSession& session, const AppDecision& app,
                      const std::function<std::string(const Group&, const std::string&)>& when_words,
                      const std::function<bool(const Group&)>& is_stale) {
  const PatientDecision& decision = app.decision;
  JsonValue json = JsonValue::Object();
  json.Set("csrf", session.csrf);
  json.Set("language", decision.language.empty() ? "nb" : decision.language);
  JsonValue& practitioner = json.Set("practitioner", JsonValue::Object());
  if (!session.context.hpr_number.empty()) practitioner.Set("hpr", session.context.hpr_number);
  if (!session.context.unit.empty()) practitioner.Set("unit", session.context.unit);
  if (!session.context.fhir_user.empty()) practitioner.Set("reference", session.context.fhir_user);
  if (const std::string card = CardOfAppContext(session.context.app_context); !card.empty()) {
    json.Set("launch", JsonValue::Object()).Set("card", card);
  }
  json.Set("inScope", JsonValue::Bool(decision.facts.in_scope));
  if (!decision.facts.in_scope) return json;
  json.Set("ehrRecordsUnknown", JsonValue::Bool(decision.ehr_records_unknown));
  JsonValue& place = json.Set("place", JsonValue::Object());
  if (!decision.municipality_name.empty()) place.Set("municipality", decision.municipality_name);
  if (!decision.county_name.empty()) place.Set("county", decision.county_name);
  if (!decision.region_name.empty()) place.Set("region", decision.region_name);
  JsonValue& recipients = json.Set("recipients", JsonValue::Array());
  for (const RecipientDecision& r : decision.recipients) {
    JsonValue& item = recipients.Append(JsonValue::Object());
    item.Set("kind", r.name);
    item.Set("refs", Strings(r.refs));
    item.Set("due", JsonValue::Bool(r.offer));
    item.Set("lastRecord", LastRecord(r));
    JsonValue& sections = item.Set("sections", JsonValue::Object());
    const std::pair<const char*, const std::vector<const Group*>*> named[] = {
        {"municipality", &r.groups.municipality}, {"county", &r.groups.county}, {"region", &r.groups.region},
        {"digital", &r.groups.digital}, {"alternatives", &r.groups.alternatives}, {"national", &r.groups.national}};
    for (const auto& [name, groups] : named) {
      JsonValue& list = sections.Set(name, JsonValue::Array());
      for (const Group* g : *groups) {
        JsonValue& group = list.Append(GroupJson(*g, decision, when_words));
        if (is_stale && is_stale(*g)) group.Set("stale", JsonValue::Bool(true));
      }
    }
  }
  JsonValue& related = json.Set("relatedPersons", JsonValue::Array());
  for (const RelativeName& r : app.relatives) {
    JsonValue& item = related.Append(JsonValue::Object());
    item.Set("reference", r.reference);
    if (!r.display.empty()) item.Set("display", r.display);
  }
  return json;
}

Result<JsonValue> RecordFromPage(const AppSession& session, const JsonValue& page, const std::string& now_iso) {
  if (!page.is_object()) return Field("(body)", "expected a JSON object");
  const LaunchContext& launch = session.context;
  JsonValue record = JsonValue::Object();
  JsonValue& patient = record.Set("patient", JsonValue::Object());
  patient.Set("reference", "Patient/" + launch.patient);
  const JsonValue* recipients = page.Find("recipients");
  if (recipients == nullptr || !recipients->is_array() || recipients->items().empty()) {
    return Field("recipients", "required: Patient/<id> or one or more RelatedPerson/<id>");
  }
  JsonValue& recipient = record.Set("recipient", JsonValue::Array());
  for (size_t i = 0; i < recipients->items().size(); ++i) {
    auto reference = recipients->items()[i].AsString();
    if (!reference) return Field("recipients[" + std::to_string(i) + "]", "expected a reference string");
    recipient.Append(JsonValue::Object()).Set("reference", *reference);
  }
  JsonValue& practitioner = record.Set("practitioner", JsonValue::Object());
  if (launch.fhir_user.rfind("Practitioner/", 0) == 0) practitioner.Set("reference", launch.fhir_user);
  if (!launch.hpr_number.empty()) {
    JsonValue& identifier = practitioner.Set("identifier", JsonValue::Object());
    identifier.Set("system", kHprSystem);
    identifier.Set("value", launch.hpr_number);
  }
  if (!launch.encounter.empty()) record.Set("encounter", JsonValue::Object()).Set("reference", "Encounter/" + launch.encounter);
  record.Set("sent", now_iso);
  for (const char* key : {"level", "response", "groups", "consent", "id"}) {
    if (const JsonValue* value = page.Find(key)) record.Set(key, *value);
  }
  return record;
}

}  // namespace selvhjelp::plugin
