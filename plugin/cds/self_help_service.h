#pragma once
// SelfHelpService: the transport-free CDS Hooks logic. The HTTP layer calls it; tests can too.
#include <functional>

#include "config/service_config.h"
#include "fhir/client/fhir_client.h"
#include "fhir/json/json_value.h"
#include "fhir/json/parsed_json.h"
#include "mappings/diagnosis_table.h"
#include "mappings/geography.h"
#include "mappings/text_catalog.h"
#include "plugin/cds/card_texts.h"
#include "plugin/cds/group_line.h"
#include "plugin/cds/hook_definitions.h"
#include "plugin/cds/recent_cards.h"
#include "plugin/groups/live_directory.h"
#include "plugin/net/trace_context.h"
#include "plugin/store/ledger.h"
#include "plugin/store/outbox.h"

namespace selvhjelp::plugin {

struct ServiceDeps {
  const config::ServiceConfig* config;
  const mappings::DiagnosisTable* diagnoses;
  const mappings::Geography* geography;
  const mappings::TextCatalog* texts;
  const LiveDirectory* directory;
  Ledger* ledger;
  const Outbox* outbox;  // records not yet seen in the EHR; may be null
  fhir::FhirClient* fhir_client;
  std::function<int64_t()> clock;  // seconds since the epoch
};

class SelfHelpService {
 public:
  // Precondition: deps.texts is set.
  explicit SelfHelpService(ServiceDeps deps)
      : deps_(std::move(deps)), card_texts_(*deps_.texts), recent_(int64_t{deps_.config->repeat_after_minutes} * 60) {}

  // Answers a hook call with the JSON text {"cards": [...]} (empty when the patient is out of
  // scope or was recently informed or declined; without a recipient's card when this hook showed
  // it for the same patient and encounter less than cards.repeatAfterMinutes ago). Errors:
  // InvalidArgument "<field>: <what>" for a bad request; FailedPrecondition when required data
  // cannot be had (412). `done` is called exactly once, possibly on another thread; this never
  // blocks on the FHIR server. The reads of data the prefetch lacks carry `trace` (W3C traceparent).
  void Handle(const HookService& service, std::shared_ptr<const fhir::ParsedJson> body,
              const std::string& accept_language, const TraceContext& trace,
              std::function<void(Result<std::string>)> done);

  // Stores a feedback body ({"feedback": [...]}) idempotently and durably.
  // InvalidArgument "feedback[i].<field>: <what>" when any entry is malformed (nothing stored).
  Status HandleFeedback(const fhir::JsonValue& body);

 private:
  Result<std::string> Decide(const HookService& service, const struct CdsRequest& request,
                                 const class ResolvedData& data,
                                 const std::string& accept_language);
  ServiceDeps deps_;
  const CardTextCache card_texts_;  // the cards' texts per language, from deps_.texts
  const GroupLineCache group_lines_;  // the groups' lines in the cards, for the current snapshot
  RecentCards recent_;  // the cards shown lately (cards.repeatAfterMinutes)
};

}  // namespace selvhjelp::plugin
