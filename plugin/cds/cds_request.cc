#include "plugin/cds/cds_request.h"

#include "fhir/base/status_macros.h"
#include "fhir/r4/fhir_id.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

Result<std::string> RequiredString(const JsonValue& object, std::string_view key, std::string_view path) {
  const JsonValue* v = object.Find(key);
  if (v == nullptr) return InvalidArgumentError(std::string(path) + ": required");
  if (!v->is_string() || v->AsString()->empty()) {
    return InvalidArgumentError(std::string(path) + ": expected a non-empty string");
  }
  return std::string(*v->AsString());
}

Result<std::string> OptionalString(const JsonValue& object, std::string_view key, std::string_view path) {
  if (object.Find(key) == nullptr) return std::string();
  return RequiredString(object, key, path);
}

bool IsTypedReference(std::string_view ref) {
  size_t slash = ref.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < ref.size() &&
         ref.find('/', slash + 1) == std::string_view::npos;
}

}  // namespace

Result<CdsRequest> ParseCdsRequest(JsonValue body, const HookService& service,
                                   bool allow_http_fhir_server) {
  if (!body.is_object()) return InvalidArgumentError("(body): expected a JSON object");
  CdsRequest r;
  SELVHJELP_ASSIGN_OR_RETURN(r.hook, RequiredString(body, "hook", "hook"));
  if (r.hook != service.hook) {
    return InvalidArgumentError("hook: this service handles " + service.hook);
  }
  SELVHJELP_ASSIGN_OR_RETURN(r.hook_instance, RequiredString(body, "hookInstance", "hookInstance"));
  const JsonValue* context = body.Find("context");
  if (context == nullptr) return InvalidArgumentError("context: required");
  if (!context->is_object()) return InvalidArgumentError("context: expected an object");
  SELVHJELP_ASSIGN_OR_RETURN(r.user_id, RequiredString(*context, "userId", "context.userId"));
  if (!IsTypedReference(r.user_id)) {
    return InvalidArgumentError("context.userId: expected ResourceType/id");
  }
  SELVHJELP_ASSIGN_OR_RETURN(r.patient_id, RequiredString(*context, "patientId", "context.patientId"));
  if (!fhir::IsFhirId(r.patient_id)) return InvalidArgumentError("context.patientId: not a FHIR id");
  if (service.encounter_required) {
    SELVHJELP_ASSIGN_OR_RETURN(r.encounter_id, RequiredString(*context, "encounterId", "context.encounterId"));
  } else {
    SELVHJELP_ASSIGN_OR_RETURN(r.encounter_id, OptionalString(*context, "encounterId", "context.encounterId"));
  }
  if (!r.encounter_id.empty() && !fhir::IsFhirId(r.encounter_id)) {
    return InvalidArgumentError("context.encounterId: not a FHIR id");
  }

  SELVHJELP_ASSIGN_OR_RETURN(r.fhir_server, OptionalString(body, "fhirServer", "fhirServer"));
  if (!r.fhir_server.empty()) {
    bool https = r.fhir_server.rfind("https://", 0) == 0;
    bool http = r.fhir_server.rfind("http://", 0) == 0;
    if (!https && !(http && allow_http_fhir_server)) {
      return InvalidArgumentError(allow_http_fhir_server ? "fhirServer: expected an http(s) URL"
                                                         : "fhirServer: expected an https URL");
    }
  }
  if (const JsonValue* auth = body.Find("fhirAuthorization")) {
    if (!auth->is_object()) return InvalidArgumentError("fhirAuthorization: expected an object");
    if (r.fhir_server.empty()) return InvalidArgumentError("fhirServer: required with fhirAuthorization");
    SELVHJELP_ASSIGN_OR_RETURN(r.access_token, RequiredString(*auth, "access_token", "fhirAuthorization.access_token"));
    std::string token_type;
    SELVHJELP_ASSIGN_OR_RETURN(token_type, RequiredString(*auth, "token_type", "fhirAuthorization.token_type"));
    if (token_type != "Bearer" && token_type != "bearer") {
      return InvalidArgumentError("fhirAuthorization.token_type: expected Bearer");
    }
  }
  if (JsonValue* prefetch = body.MutableFind("prefetch")) {
    if (!prefetch->is_object()) return InvalidArgumentError("prefetch: expected an object");
    r.prefetch = std::move(*prefetch);
    r.has_prefetch = true;
  }
  return r;
}

}  // namespace selvhjelp::plugin
