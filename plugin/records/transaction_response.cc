#include "plugin/records/transaction_response.h"

#include <vector>

#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

// The HTTP status at the start of an entry's `response.status` ("201 Created" -> 201), or 0 when
// it does not start with three digits.
int EntryStatus(std::string_view text) {
  if (text.size() < 3) return 0;
  int status = 0;
  for (char c : text.substr(0, 3)) {
    if (c < '0' || c > '9') return 0;
    status = status * 10 + (c - '0');
  }
  if (text.size() > 3 && text[3] != ' ') return 0;
  return status;
}

// Whether `location` ("Type/id[/_history/v]", relative or absolute) names a resource of `type`.
bool LocationNames(std::string_view location, std::string_view type) {
  const std::string segment = std::string(type) + "/";
  for (size_t at = location.find(segment); at != std::string_view::npos; at = location.find(segment, at + 1)) {
    if ((at == 0 || location[at - 1] == '/') && location.size() > at + segment.size()) return true;
  }
  return false;
}

TransactionReading NotAnAnswer(std::string why, std::string log_note) {
  TransactionReading reading;
  reading.kind = TransactionReading::Kind::kNotAnAnswer;
  reading.why = std::move(why);
  reading.log_note = std::move(log_note);
  return reading;
}

// What one entry sent: its resource type (request.url up to its first '/' or '?': a conditional
// create's url is the type, an update's is Type/id, a conditional patch's Type?search) and whether
// it was a PATCH (FHIR makes the answer's location optional for it).
struct SentEntry {
  std::string type;
  bool patch = false;
};

std::vector<SentEntry> SentEntries(const JsonValue& sent) {
  std::vector<SentEntry> out;
  if (const JsonValue* entries = sent.Find("entry")) {
    for (const JsonValue& entry : entries->items()) {
      const JsonValue* request = entry.Find("request");
      const std::string_view url = request ? request->FindString("url").value_or("") : "";
      out.push_back({std::string(url.substr(0, url.find_first_of("/?"))),
                     request != nullptr && request->FindString("method") == "PATCH"});
    }
  }
  return out;
}

}  // namespace

std::string OutcomeText(std::string_view body) {
  Result<JsonValue> json = fhir::ParseJson(body);
  std::string text;
  if (json.ok() && json->FindString("resourceType") == "OperationOutcome" && json->Find("issue")) {
    for (const JsonValue& issue : json->Find("issue")->items()) {
      std::string line = std::string(issue.FindString("severity").value_or("")) + " " +
                         std::string(issue.FindString("code").value_or(""));
      std::string_view what = issue.FindString("diagnostics").value_or("");
      if (what.empty()) {
        if (const JsonValue* details = issue.Find("details")) what = details->FindString("text").value_or("");
      }
      if (!what.empty()) line += ": " + std::string(what);
      if (const JsonValue* expression = issue.Find("expression"); expression && !expression->items().empty()) {
        line += " (at " + std::string(expression->items()[0].AsString().value_or("")) + ")";
      }
      text += (text.empty() ? "" : "; ") + line;
    }
  }
  if (text.empty()) text = std::string(body.substr(0, 300));
  return text.substr(0, 2000);
}

TransactionReading ReadTransactionResponse(std::string_view sent_bundle, std::string_view answer_body) {
  if (answer_body.empty()) return NotAnAnswer("an empty answer, not a transaction-response", "empty body");
  Result<JsonValue> answer = fhir::ParseJson(answer_body);
  if (!answer.ok()) {
    return NotAnAnswer("not JSON, not a transaction-response: " + std::string(answer_body.substr(0, 200)), "body not JSON");
  }
  if (answer->FindString("resourceType") != "Bundle") {
    return NotAnAnswer("not a Bundle (resourceType " + std::string(answer->FindString("resourceType").value_or("missing")) +
                           "): " + OutcomeText(answer_body),
                       "not a Bundle");
  }
  const std::string_view type = answer->FindString("type").value_or("");
  if (type != "transaction-response") {
    return NotAnAnswer("a Bundle of type '" + std::string(type) + "', not transaction-response", "wrong Bundle type");
  }
  Result<JsonValue> sent = fhir::ParseJson(sent_bundle);
  const std::vector<SentEntry> types = sent.ok() ? SentEntries(*sent) : std::vector<SentEntry>{};
  const JsonValue* entries = answer->Find("entry");
  const size_t answered = entries ? entries->items().size() : 0;
  // A failed entry is the server's word on the record, whatever else the answer holds.
  for (size_t i = 0; i < answered; ++i) {
    const JsonValue* response = entries->items()[i].Find("response");
    const int status = EntryStatus(response ? response->FindString("status").value_or("") : "");
    if (status >= 300) {
      const JsonValue* outcome = response->Find("outcome");
      TransactionReading reading;
      reading.kind = TransactionReading::Kind::kEntryFailed;
      reading.entry_status = status;
      reading.why = "entry HTTP " + std::to_string(status) + ": " +
                    (outcome ? OutcomeText(fhir::WriteJson(*outcome)) : "no outcome given");
      reading.log_note = "entry HTTP " + std::to_string(status);
      return reading;
    }
  }
  if (types.empty() || answered != types.size()) {
    return NotAnAnswer("the transaction-response has " + std::to_string(answered) + " entries for " +
                           std::to_string(types.size()) + " sent",
                       "entry count mismatch");
  }
  TransactionReading reading;
  reading.kind = TransactionReading::Kind::kWritten;
  for (size_t i = 0; i < answered; ++i) {
    const JsonValue* response = entries->items()[i].Find("response");
    const int status = EntryStatus(response ? response->FindString("status").value_or("") : "");
    const std::string_view location = response ? response->FindString("location").value_or("") : "";
    const std::string& type = types[i].type;
    const bool location_optional = types[i].patch && location.empty();
    if (status < 200 || status >= 300 || !(location_optional || LocationNames(location, type))) {
      return NotAnAnswer("entry " + std::to_string(i) + " (" + type + ") has no 2xx status with a " + type +
                             " location",
                         "entry without location");
    }
    if (reading.record_location.empty() && !location.empty() && (type == "Communication" || type == "DocumentReference")) {
      reading.record_location = std::string(location);
    }
  }
  reading.log_note = "all " + std::to_string(answered) + " entries written";
  return reading;
}

}  // namespace selvhjelp::plugin
