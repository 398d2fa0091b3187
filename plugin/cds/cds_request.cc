#include "plugin/cds/cds_request.h"

#include "fhir/base/status_macros.h"
#include "fhir/r4/fhir_id.h"

namespace selvhjelp::plugin {

using fhir::JsonRef;

namespace {

Result<std::string> RequiredString(JsonRef object, std::string_view key, std::string_view path) {
  const JsonRef value = object.Find(key);
  if (!value) return RequiredFieldError(path);
  const std::optional<std::string_view> v = value.AsString();
  if (!v || v->empty()) return FieldError(path, "expected a non-empty string");
  return std::string(*v);
}

Result<std::string> OptionalString(JsonRef object, std::string_view key, std::string_view path) {
  if (!object.Find(key)) return std::string();
  return RequiredString(object, key, path);
}

bool IsTypedReference(std::string_view ref) {
  size_t slash = ref.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < ref.size() &&
         ref.find('/', slash + 1) == std::string_view::npos;
}

}  // namespace

Result<CdsRequest> ParseCdsRequest(std::shared_ptr<const fhir::ParsedJson> document, const HookService& service,
                                   bool allow_http_fhir_server) {
  const JsonRef body = document->root();
  if (!body.is_object()) return InvalidArgumentError("(body): expected a JSON object");
  // Every field is checked and each bad one named, so a client fixes them in one round.
  IssueCollector issues;
  auto problem = [&issues](std::string_view field, const std::string& what) { issues.Add(FieldIssue(field, what)); };
  CdsRequest r;
  r.hook = issues.Take(RequiredString(body, "hook", "hook")).value_or("");
  if (!r.hook.empty() && r.hook != service.hook) problem("hook", "this service handles " + service.hook);
  r.hook_instance = issues.Take(RequiredString(body, "hookInstance", "hookInstance")).value_or("");
  const JsonRef context = body.Find("context");
  if (!context) {
    issues.Merge(RequiredFieldError("context"));
  } else if (!context.is_object()) {
    problem("context", "expected an object");
  } else {
    r.user_id = issues.Take(RequiredString(context, "userId", "context.userId")).value_or("");
    if (!r.user_id.empty() && !IsTypedReference(r.user_id)) problem("context.userId", "expected ResourceType/id");
    r.patient_id = issues.Take(RequiredString(context, "patientId", "context.patientId")).value_or("");
    if (!r.patient_id.empty() && !fhir::IsFhirId(r.patient_id)) problem("context.patientId", "not a FHIR id");
    r.encounter_id = issues.Take(service.encounter_required
                                     ? RequiredString(context, "encounterId", "context.encounterId")
                                     : OptionalString(context, "encounterId", "context.encounterId"))
                         .value_or("");
    if (!r.encounter_id.empty() && !fhir::IsFhirId(r.encounter_id)) problem("context.encounterId", "not a FHIR id");
  }

  r.fhir_server = issues.Take(OptionalString(body, "fhirServer", "fhirServer")).value_or("");
  if (!r.fhir_server.empty()) {
    bool https = r.fhir_server.rfind("https://", 0) == 0;
    bool http = r.fhir_server.rfind("http://", 0) == 0;
    if (!https && !(http && allow_http_fhir_server)) {
      problem("fhirServer", allow_http_fhir_server ? "expected an http(s) URL" : "expected an https URL");
    }
  }
  if (const JsonRef auth = body.Find("fhirAuthorization")) {
    if (!auth.is_object()) {
      problem("fhirAuthorization", "expected an object");
    } else {
      if (!body.Find("fhirServer")) issues.Merge(RequiredFieldError("fhirServer", "with fhirAuthorization"));
      r.access_token = issues.Take(RequiredString(auth, "access_token", "fhirAuthorization.access_token")).value_or("");
      auto token_type = issues.Take(RequiredString(auth, "token_type", "fhirAuthorization.token_type"));
      if (token_type && *token_type != "Bearer" && *token_type != "bearer") {
        problem("fhirAuthorization.token_type", "expected Bearer");
      }
    }
  }
  if (const JsonRef prefetch = body.Find("prefetch")) {
    if (!prefetch.is_object()) {
      problem("prefetch", "expected an object");
    } else {
      r.prefetch = prefetch;
    }
  }
  if (!issues.empty()) return issues.ToStatus();
  r.document = std::move(document);
  return r;
}

}  // namespace selvhjelp::plugin
