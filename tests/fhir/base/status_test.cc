// Status keeps the problems it carries as issues: one per problem, with its FHIRPath expression.
#include "fhir/base/status.h"

#include <boost/test/unit_test.hpp>

#include "fhir/base/result.h"

using namespace selvhjelp;

BOOST_AUTO_TEST_SUITE(status_issues)

BOOST_AUTO_TEST_CASE(a_message_status_carries_one_issue_without_expression) {
  Status s = NotFoundError("no such record");
  BOOST_REQUIRE(s.issues().size() == 1u);
  BOOST_TEST(s.issues()[0].code == "not-found");
  BOOST_TEST(s.issues()[0].expression.empty());
  BOOST_TEST(s.issues()[0].diagnostics == "no such record");
  BOOST_TEST(s.message() == "no such record");
  BOOST_TEST(OkStatus().issues().empty());
}

BOOST_AUTO_TEST_CASE(field_errors_name_the_field_as_expression) {
  Status bad = FieldError("context.patientId", "not a FHIR id");
  BOOST_TEST((bad.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(bad.message() == "context.patientId: not a FHIR id");
  BOOST_REQUIRE(bad.issues().size() == 1u);
  BOOST_TEST(bad.issues()[0].expression == "context.patientId");
  BOOST_TEST(bad.issues()[0].code == "invalid");
  Status missing = RequiredFieldError("level", "(written, conversation or brokered)");
  BOOST_TEST(missing.message() == "level: required (written, conversation or brokered)");
  BOOST_TEST(missing.issues()[0].code == "required");
  BOOST_TEST(RequiredFieldError("patient").message() == "patient: required");
}

BOOST_AUTO_TEST_CASE(a_collector_keeps_every_issue_and_joins_the_message) {
  IssueCollector issues;
  BOOST_TEST(issues.ToStatus().ok());
  issues.Add(FieldIssue("a", "first"));
  BOOST_TEST(!issues.Merge(FieldError("b", "second")));
  BOOST_TEST(issues.Merge(OkStatus()));
  Result<int> failed = RequiredFieldError("c");
  BOOST_TEST(!issues.Take(failed).has_value());
  Result<int> fine = 7;
  BOOST_TEST(issues.Take(fine).value_or(0) == 7);
  Status s = issues.ToStatus();
  BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
  BOOST_REQUIRE(s.issues().size() == 3u);
  BOOST_TEST(s.issues()[0].expression == "a");
  BOOST_TEST(s.issues()[1].expression == "b");
  BOOST_TEST(s.issues()[2].code == "required");
  BOOST_TEST(s.message() == "a: first\nb: second\nc: required");
  BOOST_TEST((issues.ToStatus(StatusCode::kFailedPrecondition).code() == StatusCode::kFailedPrecondition));
}

BOOST_AUTO_TEST_SUITE_END()
