#include "plugin/records/capability_check.h"

#include "fhir/json/json_reader.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

constexpr int64_t kMaxStatementBytes = 4 << 20;

bool HasCode(const JsonValue* interactions, std::string_view code) {
  if (interactions == nullptr) return false;
  for (const JsonValue& i : interactions->items()) {
    if (i.FindString("code") == code) return true;
  }
  return false;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::vector<std::string> CapabilityGaps(const JsonValue& statement, const std::vector<NeededInteraction>& needs) {
  const JsonValue* server = nullptr;
  if (statement.FindString("resourceType") == "CapabilityStatement") {
    if (const JsonValue* rest = statement.Find("rest")) {
      for (const JsonValue& r : rest->items()) {
        if (r.FindString("mode") == "server") server = &r;
      }
    }
  }
  std::vector<std::string> gaps;
  for (const NeededInteraction& need : needs) {
    const std::string name = (need.type.empty() ? need.interaction : need.type + " " + need.interaction) +
                             (need.purpose.empty() ? "" : " (" + need.purpose + ")");
    if (server == nullptr) {
      gaps.push_back(name);
      continue;
    }
    if (need.type.empty()) {
      if (!HasCode(server->Find("interaction"), need.interaction)) gaps.push_back(name);
      continue;
    }
    const JsonValue* resource = nullptr;
    if (const JsonValue* resources = server->Find("resource")) {
      for (const JsonValue& r : resources->items()) {
        if (r.FindString("type") == need.type) resource = &r;
      }
    }
    if (resource == nullptr || !HasCode(resource->Find("interaction"), need.interaction)) {
      gaps.push_back(name);
    } else if (need.interaction == "update" && resource->Find("updateCreate") != nullptr &&
               resource->Find("updateCreate")->AsBool() == false) {
      // Our updates create with an id we choose (the Binary of a document).
      gaps.push_back(name + " (updateCreate is false)");
    }
  }
  return gaps;
}

std::string CheckWriteBackCapability(const HttpSend& send, const std::string& fhir_server, const WriteBackMode& mode) {
  const std::vector<NeededInteraction> needs = mode.Needs();
  if (needs.empty() || !send) return {};
  const std::string what = "records.writeBack " + std::string(mode.name()) + ": ";
  HttpRequestSpec request;
  request.url = fhir_server + "/metadata";
  request.headers = {{"Accept", "application/fhir+json"}};
  request.max_response_bytes = kMaxStatementBytes;
  Result<HttpResponse> answer = send(request);
  if (!answer.ok()) return what + "could not read the EHR's CapabilityStatement (" + answer.status().message() + ")";
  if (answer->status != 200) {
    return what + "could not read the EHR's CapabilityStatement (HTTP " + std::to_string(answer->status) + ")";
  }
  Result<JsonValue> statement = fhir::ParseJson(answer->body);
  if (!statement.ok()) return what + "the EHR's /metadata is not JSON";
  const std::vector<std::string> gaps = CapabilityGaps(*statement, needs);
  if (gaps.empty()) return what + "the EHR's CapabilityStatement lists everything this mode needs";
  return "warning: " + what + "the EHR's CapabilityStatement does not list " + Join(gaps) +
         " (statements can be incomplete: records are still sent, and each answer is checked)";
}

}  // namespace selvhjelp::plugin
