#include "plugin/records/record_bundle.h"

#include "fhir/r4/coding.h"
#include "fhir/r4/date_time.h"
#include "plugin/cds/card_builder.h"
#include "plugin/cds/vocabulary.h"
#include "plugin/records/bundle_parts.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

using bundle_parts::Identifier;
using bundle_parts::kUriSystem;
using bundle_parts::LiteralReference;
using bundle_parts::Meta;
using bundle_parts::Reference;
using bundle_parts::TokenQuery;

JsonValue CodingExtension(std::string_view url, JsonValue coding) {
  JsonValue ext = JsonValue::Object();
  ext.Set("url", url);
  ext.Set("valueCoding", std::move(coding));
  return ext;
}

std::string ResponseDisplay(std::string_view code) {
  for (const auto& response : vocabulary::kResponses) {
    if (response.code == code) return std::string(response.display);
  }
  return {};
}

std::string PayloadText(const InformationRecord& r) {
  std::string text = "Informasjon om selvhjelpsgrupper";
  if (!r.groups.empty()) {
    text += ": ";
    for (size_t i = 0; i < r.groups.size(); ++i) {
      text += (i ? "; " : "") + r.groups[i].name + " (" + r.groups[i].organisation + ")";
    }
  }
  return text + ".";
}

JsonValue Procedure(const InformationRecord& r, const mappings::RecordCodes& codes) {
  JsonValue p = JsonValue::Object();
  p.Set("resourceType", "Procedure");
  p.Set("meta", Meta(r, "selvhjelp-information-procedure"));
  p.Set("identifier", JsonValue::Array()).Append(Identifier(vocabulary::kRecordSystem, r.id + "/procedure"));
  p.Set("status", "completed");
  const fhir::Coding& category = codes.procedure_category;
  p.Set("category", fhir::MakeConcept(fhir::MakeCoding(category.system, category.code, category.display)));
  JsonValue& code = p.Set("code", JsonValue::Object());
  JsonValue& codings = code.Set("coding", JsonValue::Array());
  auto level_codes = codes.procedure_codes.find(r.level);
  if (level_codes != codes.procedure_codes.end()) {
    for (const fhir::Coding& c : level_codes->second) codings.Append(fhir::MakeCoding(c.system, c.code, c.display));
  }
  code.Set("text", std::string(vocabulary::FindLevel(r.level)->display) + " about self-help groups");
  p.Set("subject", LiteralReference(r.patient.reference));
  if (!r.encounter_id.empty()) p.Set("encounter", LiteralReference("Encounter/" + r.encounter_id));
  p.Set("performedDateTime", r.sent);
  JsonValue& performer = p.Set("performer", JsonValue::Array()).Append(JsonValue::Object());
  performer.Set("actor", Reference(r.practitioner));
  return p;
}

JsonValue Consent(const InformationRecord& r) {
  JsonValue c = JsonValue::Object();
  c.Set("resourceType", "Consent");
  c.Set("meta", Meta(r, "selvhjelp-contact-consent"));
  c.Set("identifier", JsonValue::Array()).Append(Identifier(vocabulary::kRecordSystem, r.id + "/consent"));
  c.Set("status", "active");
  c.Set("scope", fhir::MakeConcept(fhir::MakeCoding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", "Privacy Consent")));
  c.Set("category", JsonValue::Array()).Append(fhir::MakeConcept(fhir::MakeCoding("http://loinc.org", "59284-0", "Patient Consent")));
  c.Set("patient", LiteralReference(r.patient.reference));
  c.Set("dateTime", r.sent);
  c.Set("performer", JsonValue::Array()).Append(LiteralReference(r.patient.reference));
  c.Set("policyRule", fhir::MakeConcept(fhir::MakeCoding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", "opt-in")));
  JsonValue& provision = c.Set("provision", JsonValue::Object());
  provision.Set("type", "permit");
  // One-off: the permission covers the day of the conversation, when the contact is made.
  JsonValue& period = provision.Set("period", JsonValue::Object());
  const std::string day = SentInNorway(r).substr(0, 10);
  period.Set("start", day);
  period.Set("end", day);
  JsonValue& actor = provision.Set("actor", JsonValue::Array()).Append(JsonValue::Object());
  actor.Set("role", fhir::MakeConcept(fhir::MakeCoding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient")));
  actor.Set("reference", Reference(r.consent_organisation));
  provision.Set("action", JsonValue::Array())
      .Append(fhir::MakeConcept(fhir::MakeCoding("http://terminology.hl7.org/CodeSystem/consentaction", "disclose", "Disclose")));
  // What may be disclosed: the contact details the patient agreed to (when the record says).
  if (const vocabulary::SharedDetailsInfo* shares = vocabulary::FindSharedDetails(r.consent_shares)) {
    provision.Set("code", JsonValue::Array())
        .Append(fhir::MakeConcept(fhir::MakeCoding(vocabulary::kSharedDetailsSystem, shares->code, shares->display)));
  }
  return c;
}

JsonValue Provenance(const InformationRecord& r, const std::vector<std::string>& targets,
                     const BundleContext& context) {
  JsonValue p = JsonValue::Object();
  p.Set("resourceType", "Provenance");
  p.Set("meta", Meta(r, "selvhjelp-record-provenance"));
  JsonValue& target = p.Set("target", JsonValue::Array());
  for (const std::string& url : targets) target.Append(LiteralReference(url));
  p.Set("occurredDateTime", r.sent);
  p.Set("recorded", fhir::IsoInstant(context.now_seconds));
  p.Set("activity", fhir::MakeConcept(fhir::MakeCoding("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE", "create")));
  JsonValue& agents = p.Set("agent", JsonValue::Array());
  JsonValue& author = agents.Append(JsonValue::Object());
  author.Set("type", fhir::MakeConcept(fhir::MakeCoding("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author")));
  author.Set("who", Reference(r.practitioner));
  JsonValue& assembler = agents.Append(JsonValue::Object());
  assembler.Set("type", fhir::MakeConcept(fhir::MakeCoding("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "assembler", "Assembler")));
  JsonValue& device = assembler.Set("who", JsonValue::Object());
  device.Set("type", "Device");
  device.Set("display", context.assembler_name);
  if (r.from_suggestion) {
    JsonValue& entity = p.Set("entity", JsonValue::Array()).Append(JsonValue::Object());
    entity.Set("role", "source");
    JsonValue& what = entity.Set("what", JsonValue::Object());
    what.Set("identifier", Identifier(kUriSystem, "urn:uuid:" + r.id));
    what.Set("display", "CDS Hooks suggestion");
  }
  return p;
}

}  // namespace

JsonValue RecordCommunication(const InformationRecord& r, const std::string& procedure_url) {
  const vocabulary::LevelInfo& level = *vocabulary::FindLevel(r.level);
  JsonValue c = JsonValue::Object();
  c.Set("resourceType", "Communication");
  c.Set("meta", Meta(r, "selvhjelp-information-communication"));
  JsonValue& extensions = c.Set("extension", JsonValue::Array());
  extensions.Append(CodingExtension(vocabulary::kLevelExtension, fhir::MakeCoding(vocabulary::kLevelSystem, level.code, level.display)));
  extensions.Append(CodingExtension(vocabulary::kResponseExtension,
                                    fhir::MakeCoding(vocabulary::kResponseSystem, r.response, ResponseDisplay(r.response))));
  c.Set("identifier", JsonValue::Array()).Append(Identifier(kUriSystem, "urn:uuid:" + r.id));
  if (!procedure_url.empty()) c.Set("partOf", JsonValue::Array()).Append(LiteralReference(procedure_url));
  c.Set("status", "completed");
  c.Set("category", JsonValue::Array())
      .Append(fhir::MakeConcept(fhir::MakeCoding(vocabulary::kCategorySystem, vocabulary::kCategoryCode, "Information about self-help groups")));
  c.Set("medium", JsonValue::Array())
      .Append(fhir::MakeConcept(fhir::MakeCoding(vocabulary::kParticipationModeSystem, level.medium, level.medium_display)));
  c.Set("subject", LiteralReference(r.patient.reference));
  if (!r.encounter_id.empty()) c.Set("encounter", LiteralReference("Encounter/" + r.encounter_id));
  c.Set("sent", r.sent);
  JsonValue& recipients = c.Set("recipient", JsonValue::Array());
  for (const RecordReference& recipient : r.recipients) recipients.Append(Reference(recipient));
  c.Set("sender", Reference(r.practitioner));
  JsonValue& payload = c.Set("payload", JsonValue::Array());
  payload.Append(JsonValue::Object()).Set("contentString", PayloadText(r));
  for (const GroupGiven& g : r.groups) {
    JsonValue ref = JsonValue::Object();
    ref.Set("type", "HealthcareService");
    ref.Set("identifier", Identifier(vocabulary::kGroupIdSystem, g.identifier));
    ref.Set("display", g.name);
    payload.Append(JsonValue::Object()).Set("contentReference", std::move(ref));
  }
  return c;
}

JsonValue BuildRecordBundle(const InformationRecord& r, const BundleContext& context) {
  JsonValue bundle = JsonValue::Object();
  bundle.Set("resourceType", "Bundle");
  bundle.Set("type", "transaction");
  bundle.Set("entry", JsonValue::Array());
  // fullUrls are placeholders for this transaction only; they must differ from every identifier
  // value (some servers rewrite any string equal to a placeholder).
  std::vector<std::string> targets;
  std::string procedure_url;
  if (NeedsProcedure(r)) {
    procedure_url = "urn:uuid:" + NewUuid();
    bundle_parts::AddConditionalCreate(bundle, procedure_url, Procedure(r, *context.codes),
             TokenQuery("identifier", vocabulary::kRecordSystem, r.id + "/procedure"));
    targets.push_back(procedure_url);
  }
  if (NeedsConsent(r)) {
    const std::string consent_url = "urn:uuid:" + NewUuid();
    bundle_parts::AddConditionalCreate(bundle, consent_url, Consent(r), TokenQuery("identifier", vocabulary::kRecordSystem, r.id + "/consent"));
    targets.push_back(consent_url);
  }
  const std::string communication_url = "urn:uuid:" + NewUuid();
  bundle_parts::AddConditionalCreate(bundle, communication_url, RecordCommunication(r, procedure_url),
           TokenQuery("identifier", kUriSystem, "urn:uuid:" + r.id));
  targets.insert(targets.begin(), communication_url);
  // Provenance has no identifier element: its conditional create keys on the record tag.
  bundle_parts::AddConditionalCreate(bundle, "urn:uuid:" + NewUuid(), Provenance(r, targets, context),
           TokenQuery("_tag", vocabulary::kRecordSystem, r.id));
  return bundle;
}

}  // namespace selvhjelp::plugin
