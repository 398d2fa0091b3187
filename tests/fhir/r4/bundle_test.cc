#include "fhir/r4/bundle.h"

#include <boost/test/unit_test.hpp>

#include "fhir/json/json_reader.h"
#include "fhir/r4/operation_outcome.h"

using namespace selvhjelp::fhir;

BOOST_AUTO_TEST_SUITE(bundle)

BOOST_AUTO_TEST_CASE(selects_resources_by_type_and_next_link) {
  auto b = ParseJson(R"({"resourceType":"Bundle","type":"searchset",
    "link":[{"relation":"self","url":"a"},{"relation":"next","url":"http://x/b"}],
    "entry":[{"resource":{"resourceType":"Condition","id":"1"}},
             {"resource":{"resourceType":"Patient","id":"p"}}]})");
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(BundleResources(*b, "Condition").size() == 1u);
  BOOST_TEST(BundleResources(*b).size() == 2u);
  BOOST_TEST(*NextLink(*b) == "http://x/b");
  BOOST_TEST(!IsEmptyResult(*b));
  BOOST_TEST(ReferenceTo(*BundleResources(*b, "Patient")[0]) == "Patient/p");
}

BOOST_AUTO_TEST_CASE(empty_results_and_operation_outcomes) {
  BOOST_TEST(IsEmptyResult(JsonValue()));
  BOOST_TEST(IsEmptyResult(*ParseJson(R"({"resourceType":"Bundle","type":"searchset"})")));
  BOOST_TEST(IsOrContainsOperationOutcome(*ParseJson(R"({"resourceType":"OperationOutcome"})")));
  BOOST_TEST(IsOrContainsOperationOutcome(*ParseJson(
      R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"OperationOutcome"}}]})")));
  BOOST_TEST(!IsOrContainsOperationOutcome(*ParseJson(R"({"resourceType":"Patient"})")));
}

BOOST_AUTO_TEST_SUITE_END()
