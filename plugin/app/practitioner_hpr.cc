#include "plugin/app/practitioner_hpr.h"

#include "fhir/json/json_reader.h"
#include "plugin/records/norwegian_ids.h"

namespace selvhjelp::plugin {

namespace {

constexpr int64_t kMaxPractitionerBytes = 256 * 1024;

// "Practitioner/<id>" with a FHIR id's characters only.
bool IsPractitionerReference(std::string_view ref) {
  constexpr std::string_view kPrefix = "Practitioner/";
  if (ref.rfind(kPrefix, 0) != 0 || ref.size() == kPrefix.size() || ref.size() > kPrefix.size() + 64) return false;
  for (char c : ref.substr(kPrefix.size())) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string HprOfPractitioner(const fhir::JsonValue& practitioner) {
  if (practitioner.FindString("resourceType") != "Practitioner") return {};
  const fhir::JsonValue* identifiers = practitioner.Find("identifier");
  if (identifiers == nullptr) return {};
  for (const fhir::JsonValue& identifier : identifiers->items()) {
    if (identifier.FindString("system") != kHprSystem) continue;
    const std::string_view value = identifier.FindString("value").value_or("");
    if (IsShortRegisterNumber(value)) return std::string(value);
  }
  return {};
}

std::string ReadPractitionerHpr(const HttpSend& send, std::string_view iss, std::string_view fhir_user,
                                std::string_view access_token) {
  std::string base(iss);
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string_view relative = fhir_user;
  if (relative.rfind(base + "/", 0) == 0) relative.remove_prefix(base.size() + 1);  // absolute, on this EHR
  if (base.empty() || access_token.empty() || !IsPractitionerReference(relative)) return {};
  HttpRequestSpec request;
  request.url = base + "/" + std::string(relative);
  request.headers = {{"Accept", "application/fhir+json"}, {"Authorization", "Bearer " + std::string(access_token)}};
  request.max_response_bytes = kMaxPractitionerBytes;
  Result<HttpResponse> response = send(request);
  if (!response.ok() || response->status != 200) return {};
  Result<fhir::JsonValue> practitioner = fhir::ParseJson(response->body);
  return practitioner.ok() ? HprOfPractitioner(*practitioner) : std::string();
}

}  // namespace selvhjelp::plugin
