#pragma once
// What the clinician app's page is given and what it may send (docs/app-api.md): the decision as
// the page's JSON, and the page's record request turned into a record in POST /records form, with
// the patient, practitioner and encounter taken from the session, never from the page.
#include <cstdint>
#include <functional>
#include <string>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"
#include "plugin/app/app_decision.h"
#include "plugin/app/app_sessions.h"

namespace selvhjelp::plugin {

// The body of GET /app/api/context. `when_words(group, language)` says when and where a group
// meets in plain words (the same words as the cards and the handout). `is_stale(group)`, when
// given, marks groups whose source has not confirmed them for too long (`"stale": true`).
fhir::JsonValue ContextJson(const AppSession& session, const AppDecision& decision,
                            const std::function<std::string(const Group&, const std::string&)>& when_words,
                            const std::function<bool(const Group&)>& is_stale = nullptr);

// The card a launch came from: the `card` member of a card link's appContext (the JSON object
// selvhjelp's cards put there), validated as a UUID; empty for any other appContext.
std::string CardOfAppContext(const std::string& app_context);

// The record for POST /records from the page's body ({recipients, level, response, groups,
// consent}) and the session. InvalidArgument naming the field for a malformed body (the record's
// own checks follow in RecordService). `now_iso` becomes the record's `sent`.
Result<fhir::JsonValue> RecordFromPage(const AppSession& session, const fhir::JsonValue& page_body,
                                       const std::string& now_iso);

}  // namespace selvhjelp::plugin
