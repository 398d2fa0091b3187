#include "plugin/cds/self_help_service.h"

#include <algorithm>

#include "fhir/r4/date_time.h"
#include "plugin/cds/card_builder.h"
#include "plugin/cds/cds_request.h"
#include "plugin/cds/patient_decision.h"
#include "plugin/cds/patient_facts.h"
#include "plugin/cds/prefetch_resolver.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

void SelfHelpService::Handle(const HookService& service, std::shared_ptr<const fhir::ParsedJson> body,
                             const std::string& accept_language, const TraceContext& trace,
                             std::function<void(Result<std::string>)> done) {
  Result<CdsRequest> request = ParseCdsRequest(std::move(body), service, deps_.config->allow_http_fhir_server);
  if (!request.ok()) {
    done(request.status());
    return;
  }
  fhir::FhirReadOptions options;
  options.timeout = std::chrono::milliseconds(deps_.config->fhir_timeout_ms);
  options.headers = {{"traceparent", trace.Traceparent()}};  // the FHIR server's logs can find this call
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
  const bool discharge = service.hook == "encounter-discharge";
  const PatientDecision decision =
      DecidePatient(DecisionDeps{deps_.config, deps_.diagnoses, deps_.geography, deps_.texts, deps_.directory,
                                 deps_.ledger, deps_.outbox, deps_.clock},
                    data, request.fhir_server, request.patient_id, request.encounter_id, accept_language,
                    discharge ? Prompt::kLastReminder : Prompt::kDuringTreatment, GroupsFor::kOffered);
  if (!decision.facts.in_scope) return std::string(R"({"cards":[]})");
  const int64_t now = deps_.clock();
  fhir::JsonStreamWriter out;
  out.Reserve(16 << 10);  // two cards are about 12 KB: one allocation instead of a doubling series
  out.StartObject();
  out.Key("cards");
  out.StartArray();
  std::vector<CardIssued> issued;
  const GroupLineCache::Lines lines = group_lines_.For(decision.directory);
  for (const RecipientDecision& r : decision.recipients) {
    if (!r.offer) continue;
    if (recent_.ShownWithin({service.id, decision.subject_key, request.encounter_id, r.name}, now)) {
      continue;  // shown for this patient and encounter a moment ago (chart opened again)
    }
    CardInput input;
    input.recipient = r.recipient;
    input.language = decision.language;
    input.discharge = discharge;
    input.recipient_refs = r.refs;
    input.groups = &r.groups;
    input.municipality_name = decision.municipality_name;
    input.county_name = decision.county_name;
    input.region_name = decision.region_name;
    input.source_url = deps_.config->source_url;
    input.app_launch_url = deps_.config->AppLaunchUrl();
    input.now_iso = fhir::IsoInstant(now);
    input.ehr_records_unknown = decision.ehr_records_unknown;
    input.group_lines = &lines;
    std::string card_uuid = NewUuid();
    WriteCard(out, request, input, card_uuid, card_texts_);
    issued.push_back({std::move(card_uuid), service.id, decision.subject_key, request.encounter_id, r.name, now});
  }
  out.EndArray();
  out.EndObject();
  if (!issued.empty()) deps_.ledger->QueueCards(std::move(issued));
  return out.Take();
}

namespace {

Status FeedbackError(size_t i, const std::string& field, const std::string& what) {
  return FieldError("feedback[" + std::to_string(i) + "]" + (field.empty() ? "" : "." + field), what);
}

}  // namespace

Status SelfHelpService::HandleFeedback(const JsonValue& body) {
  const JsonValue* list = body.Find("feedback");
  if (!body.is_object() || list == nullptr) return RequiredFieldError("feedback");
  if (!list->is_array() || list->items().empty()) {
    return FieldError("feedback", "expected a non-empty array");
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
