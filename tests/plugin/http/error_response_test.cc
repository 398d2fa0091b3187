// Status -> HTTP: the issues a Status carries become the OperationOutcome's issues, unparsed.
#include "plugin/http/error_response.h"

#include <boost/test/unit_test.hpp>

#include "fhir/json/json_reader.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;

namespace {
fhir::JsonValue Body(const HttpError& e) { return *fhir::ParseJson(e.body); }
}  // namespace

BOOST_AUTO_TEST_SUITE(error_response)

BOOST_AUTO_TEST_CASE(a_request_with_three_bad_fields_is_one_outcome_with_three_issues) {
  IssueCollector issues;
  issues.Merge(RequiredFieldError("patient"));
  issues.Add(FieldIssue("level", "expected written, conversation or brokered"));
  issues.Add(FieldIssue("groups[2]", "no group with this id in the directory"));
  HttpError e = ToHttpError(issues.ToStatus(), "req-1");
  BOOST_TEST(e.status == 400);
  const fhir::JsonValue body = Body(e);
  BOOST_TEST(*body.FindString("resourceType") == "OperationOutcome");
  const auto& list = body.Find("issue")->items();
  BOOST_REQUIRE(list.size() == 3u);
  BOOST_TEST(*list[0].FindString("code") == "required");
  BOOST_TEST(*list[0].Find("expression")->items()[0].AsString() == "patient");
  BOOST_TEST(*list[1].Find("expression")->items()[0].AsString() == "level");
  BOOST_TEST(*list[2].Find("expression")->items()[0].AsString() == "groups[2]");
  BOOST_TEST(*list[2].FindString("diagnostics") == "groups[2]: no group with this id in the directory");
}

BOOST_AUTO_TEST_CASE(a_message_that_looks_like_a_field_is_not_read_back_as_one) {
  // Only a FieldError names a field: text before ": " is never taken for an expression.
  HttpError e = ToHttpError(NotFoundError("records/abc: no such record"), "req-2");
  BOOST_TEST(e.status == 404);
  const fhir::JsonValue body = Body(e);  // kept: the issue below is a reference into it
  const auto& issue = body.Find("issue")->items()[0];
  BOOST_TEST(issue.Find("expression") == nullptr);
  BOOST_TEST(*issue.FindString("code") == "not-found");
}

BOOST_AUTO_TEST_CASE(only_503_answers_say_what_failed) {
  const auto diagnostics = [](const Status& s) {
    return std::string(*Body(ToHttpError(s, "req-3")).Find("issue")->items()[0].FindString("diagnostics"));
  };
  BOOST_TEST(ToHttpError(UnauthenticatedError("signature mismatch"), "r").status == 401);
  BOOST_TEST(diagnostics(UnauthenticatedError("signature mismatch")) == "authentication required");
  BOOST_TEST(ToHttpError(UnavailableError("x"), "r").status == 503);
  BOOST_TEST(diagnostics(UnavailableError("records: write-back is not configured (records.fhirServer)")) ==
             "records: write-back is not configured (records.fhirServer); request id req-3");
  BOOST_TEST(diagnostics(InternalError("sqlite: disk I/O error at /var/x")) == "internal error; request id req-3");
}

BOOST_AUTO_TEST_SUITE_END()
