#include "plugin/cds/self_help_service.h"

#include <algorithm>

#include "fhir/r4/date_time.h"
#include "plugin/cds/card_builder.h"
#include "plugin/cds/cds_request.h"
#include "plugin/cds/offer_policy.h"
#include "plugin/cds/patient_facts.h"
#include "plugin/cds/prefetch_resolver.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

void SelfHelpService::Handle(const HookService& service, JsonValue body,
                             const std::string& accept_language,
                             std::function<void(Result<std::string>)> done) {
  Result<CdsRequest> request = ParseCdsRequest(std::move(body), service, deps_.config->allow_http_fhir_server);
  if (!request.ok()) {
    done(request.status());
    return;
  }
  fhir::FhirReadOptions options;
  options.timeout = std::chrono::milliseconds(deps_.config->fhir_timeout_ms);
  auto shared_request = std::make_shared<CdsRequest>(std::move(request).value());
  ResolvePrefetch(*shared_request, service, *deps_.fhir_client, options,
                  [this, &service, shared_request, accept_language,
                   done = std::move(done)](Result<ResolvedData> data) {
                    if (!data.ok()) {
                      done(data.status());
                      return;
                    }
                    done(Decide(service, *shared_request, *data, accept_language));
                  });
}

Result<std::string> SelfHelpService::Decide(const HookService& service, const CdsRequest& request,
                                          const ResolvedData& data,
                                          const std::string& accept_language) {
  const config::ServiceConfig& cfg = *deps_.config;
  PatientFacts facts = ExtractFacts(data, *deps_.diagnoses, *deps_.geography);
  if (!facts.in_scope) return std::string(R"({"cards":[]})");

  std::string language = cfg.language;
  if (language.empty()) language = facts.practitioner_language;
  if (language.empty()) language = LanguageFromAcceptLanguage(accept_language);
  if (language.empty() || !deps_.texts->HasLanguage(language)) language = "nb";

  const int64_t now = deps_.clock();
  const OfferPolicy policy{cfg.informed_interval_days, cfg.declined_reoffer_days};
  // Records made through POST /records are keyed by records.fhirServer: a hook call without a
  // fhirServer is taken to come from that EHR.
  const std::string& fhir_server = request.fhir_server.empty() ? cfg.records.fhir_server : request.fhir_server;
  const std::string subject_key = deps_.ledger->SubjectKey(fhir_server, request.patient_id);
  struct Plan {
    Recipient recipient;
    const char* name;
    std::optional<PriorRecord> ehr;
    std::vector<std::string> refs;
  };
  std::vector<Plan> plans = {{Recipient::kPatient, "patient", facts.latest_to_patient,
                              {"Patient/" + request.patient_id}}};
  if (!facts.relative_refs.empty()) {
    plans.push_back({Recipient::kRelatives, "relatives", facts.latest_to_relatives, facts.relative_refs});
  }
  fhir::JsonStreamWriter out;
  out.StartObject();
  out.Key("cards");
  out.StartArray();
  std::vector<CardIssued> issued;
  const std::shared_ptr<const GroupDirectory> groups = deps_.directory->Current();
  for (const Plan& plan : plans) {
    std::optional<LocalOutcome> local = deps_.ledger->LatestOutcome(subject_key, plan.name);
    if (deps_.outbox != nullptr) {
      std::optional<LocalOutcome> recorded = deps_.outbox->LatestOutcome(subject_key, plan.name);
      if (recorded && (!local || local->at < recorded->at)) local = recorded;
    }
    if (!ShouldOffer(plan.ehr, local, request.encounter_id, now, policy)) continue;
    const GroupMatch match =
        groups->Match(facts.municipality, plan.recipient, cfg.max_groups_per_section, {}, facts.position);
    CardInput input;
    input.recipient = plan.recipient;
    input.language = language;
    input.discharge = service.hook == "encounter-discharge";
    input.recipient_refs = plan.refs;
    input.groups = &match;
    if (!facts.municipality.empty()) {
      input.municipality_name = deps_.geography->MunicipalityName(facts.municipality).value_or("");
      input.county_name = deps_.geography->CountyName(facts.municipality.substr(0, 2)).value_or("");
      input.region_name = deps_.geography->HealthRegion(facts.municipality.substr(0, 2)).value_or("");
    }
    input.source_url = cfg.source_url;
    input.now_iso = fhir::IsoInstant(now);
    std::string card_uuid = NewUuid();
    WriteCard(out, request, input, card_uuid, *deps_.texts);
    issued.push_back({std::move(card_uuid), service.id, subject_key, request.encounter_id, plan.name, now});
  }
  out.EndArray();
  out.EndObject();
  if (!issued.empty()) deps_.ledger->QueueCards(std::move(issued));
  return out.Take();
}

namespace {

Status FeedbackError(size_t i, const std::string& field, const std::string& what) {
  return InvalidArgumentError("feedback[" + std::to_string(i) + "]" + (field.empty() ? "" : "." + field) +
                              ": " + what);
}

}  // namespace

Status SelfHelpService::HandleFeedback(const JsonValue& body) {
  const JsonValue* list = body.Find("feedback");
  if (!body.is_object() || list == nullptr) return InvalidArgumentError("feedback: required");
  if (!list->is_array() || list->items().empty()) {
    return InvalidArgumentError("feedback: expected a non-empty array");
  }
  std::vector<FeedbackEntry> entries;
  for (size_t i = 0; i < list->items().size(); ++i) {
    const JsonValue& item = list->items()[i];
    if (!item.is_object()) return FeedbackError(i, "", "expected an object");
    FeedbackEntry e;
    auto card = item.FindString("card");
    if (!card || card->empty()) return FeedbackError(i, "card", "required (the card's uuid)");
    e.card_uuid = std::string(*card);
    auto outcome = item.FindString("outcome");
    if (outcome != "accepted" && outcome != "overridden") {
      return FeedbackError(i, "outcome", "expected accepted or overridden");
    }
    e.outcome = std::string(*outcome);
    auto timestamp = item.FindString("outcomeTimestamp");
    if (!timestamp || !fhir::EpochSeconds(*timestamp)) {
      return FeedbackError(i, "outcomeTimestamp", "expected an RFC 3339 date-time");
    }
    e.outcome_timestamp = std::string(*timestamp);
    if (e.outcome == "accepted") {
      const JsonValue* accepted = item.Find("acceptedSuggestions");
      if (accepted == nullptr || !accepted->is_array() || accepted->items().empty()) {
        return FeedbackError(i, "acceptedSuggestions", "required when outcome is accepted");
      }
      std::vector<std::string> ids;
      for (size_t j = 0; j < accepted->items().size(); ++j) {
        auto id = accepted->items()[j].FindString("id");
        if (!id || id->empty()) {
          return FeedbackError(i, "acceptedSuggestions[" + std::to_string(j) + "].id", "required");
        }
        ids.emplace_back(*id);
      }
      std::sort(ids.begin(), ids.end());
      for (const std::string& id : ids) e.accepted_suggestions += (e.accepted_suggestions.empty() ? "" : ",") + id;
    }
    if (const JsonValue* reason = item.Find("overrideReason")) {
      if (!reason->is_object()) return FeedbackError(i, "overrideReason", "expected an object");
      const JsonValue* coding = reason->Find("reason");
      const JsonValue* comment = reason->Find("userComment");
      if (coding == nullptr && comment == nullptr) {
        return FeedbackError(i, "overrideReason", "needs reason or userComment");
      }
      if (coding != nullptr) {
        if (!coding->is_object() || !coding->FindString("code")) {
          return FeedbackError(i, "overrideReason.reason", "expected a Coding with a code");
        }
        if (coding->FindString("system") == vocabulary::kOverrideSystem) {
          e.override_code = std::string(*coding->FindString("code"));
        }
      }
      e.has_user_comment = comment != nullptr;
    }
    entries.push_back(std::move(e));
  }
  Result<int> unknown = deps_.ledger->RecordFeedback(entries, deps_.clock());
  return unknown.status();
}

}  // namespace selvhjelp::plugin
