// One OperationOutcome names every problem of a Status: one issue each, with its expression.
#include "fhir/r4/operation_outcome.h"

#include <boost/test/unit_test.hpp>

#include "fhir/json/json_writer.h"

using namespace selvhjelp;

BOOST_AUTO_TEST_CASE(an_outcome_has_one_issue_per_problem_with_expressions) {
  IssueCollector issues;
  issues.Merge(RequiredFieldError("patient"));
  issues.Add(FieldIssue("level", "expected written, conversation or brokered"));
  issues.Add(Issue{"warning", "value", "", "no expression here"});
  const fhir::JsonValue outcome = fhir::MakeOperationOutcome(issues.ToStatus().issues());
  BOOST_TEST(fhir::WriteJson(outcome) ==
             R"({"resourceType":"OperationOutcome","issue":[)"
             R"({"severity":"error","code":"required","diagnostics":"patient: required","expression":["patient"]},)"
             R"({"severity":"error","code":"invalid","diagnostics":"level: expected written, conversation or brokered","expression":["level"]},)"
             R"({"severity":"warning","code":"value","diagnostics":"no expression here"}]})");
}
