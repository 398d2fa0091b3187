#include "fhir/r4/operation_outcome.h"

#include "fhir/r4/bundle.h"

namespace selvhjelp::fhir {

JsonValue MakeOperationOutcome(const std::vector<OutcomeIssue>& issues) {
  JsonValue outcome = JsonValue::Object();
  outcome.Set("resourceType", "OperationOutcome");
  JsonValue& list = outcome.Set("issue", JsonValue::Array());
  for (const OutcomeIssue& issue : issues) {
    JsonValue item = JsonValue::Object();
    item.Set("severity", issue.severity);
    item.Set("code", issue.code);
    if (!issue.diagnostics.empty()) item.Set("diagnostics", issue.diagnostics);
    if (!issue.expression.empty()) {
      JsonValue& expressions = item.Set("expression", JsonValue::Array());
      expressions.Append(JsonValue::String(issue.expression));
    }
    list.Append(std::move(item));
  }
  return outcome;
}

bool IsOrContainsOperationOutcome(JsonRef value) {
  std::optional<std::string_view> type = value.FindString("resourceType");
  if (type == "OperationOutcome") return true;
  if (type != "Bundle") return false;
  return !BundleResources(value, "OperationOutcome").empty();
}

}  // namespace selvhjelp::fhir
