// Which 2xx answers count as a written record: only a transaction-response whose entries match
// what was sent. Everything that can stand in the EHR's place and answer 2xx must not.
#include "plugin/records/transaction_response.h"

#include <boost/test/unit_test.hpp>

using namespace selvhjelp::plugin;
using Kind = TransactionReading::Kind;

namespace {

constexpr const char* kSent = R"({"resourceType":"Bundle","type":"transaction","entry":[
  {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Procedure"},"request":{"method":"POST","url":"Procedure","ifNoneExist":"identifier=a"}},
  {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Communication"},"request":{"method":"POST","url":"Communication","ifNoneExist":"identifier=b"}}]})";

std::string Answer(const std::string& type, const std::string& entries) {
  return R"({"resourceType":"Bundle","type":")" + type + R"(","entry":[)" + entries + "]}";
}

const std::string kProcedureOk = R"({"response":{"status":"201 Created","location":"Procedure/7/_history/1"}})";
const std::string kCommunicationOk = R"({"response":{"status":"200 OK","location":"Communication/8/_history/1"}})";

}  // namespace

BOOST_AUTO_TEST_CASE(a_matching_transaction_response_is_written) {
  TransactionReading r = ReadTransactionResponse(kSent, Answer("transaction-response", kProcedureOk + "," + kCommunicationOk));
  BOOST_TEST(static_cast<int>(r.kind) == static_cast<int>(Kind::kWritten));
  BOOST_TEST(r.record_location == "Communication/8/_history/1");
}

BOOST_AUTO_TEST_CASE(absolute_locations_count) {
  TransactionReading r = ReadTransactionResponse(
      kSent, Answer("transaction-response",
                    R"({"response":{"status":"201","location":"https://ehr.example/fhir/Procedure/7/_history/1"}},)"
                    R"({"response":{"status":"201 Created","location":"https://ehr.example/fhir/Communication/8"}})"));
  BOOST_TEST(static_cast<int>(r.kind) == static_cast<int>(Kind::kWritten));
  BOOST_TEST(r.record_location == "https://ehr.example/fhir/Communication/8");
}

BOOST_AUTO_TEST_CASE(what_stands_in_the_ehrs_place_is_not_an_answer) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"maintenance page", "<html><body>Planlagt vedlikehold</body></html>"},
      {"204 no content", ""},
      {"a load balancer's JSON", R"({"status":"ok"})"},
      {"an OperationOutcome", R"({"resourceType":"OperationOutcome","issue":[]})"},
      {"a searchset", Answer("searchset", kProcedureOk + "," + kCommunicationOk)},
      {"a batch-response", Answer("batch-response", kProcedureOk + "," + kCommunicationOk)},
      {"too few entries", Answer("transaction-response", kCommunicationOk)},
      {"too many entries", Answer("transaction-response", kProcedureOk + "," + kCommunicationOk + "," + kCommunicationOk)},
      {"no location", Answer("transaction-response", kProcedureOk + R"(,{"response":{"status":"201 Created"}})")},
      {"entries swapped", Answer("transaction-response", kCommunicationOk + "," + kProcedureOk)},
      {"a type that only starts alike",
       Answer("transaction-response", kProcedureOk + R"(,{"response":{"status":"201","location":"CommunicationRequest/8"}})")},
      {"no status", Answer("transaction-response", kProcedureOk + R"(,{"response":{"location":"Communication/8"}})")},
      {"a status that is not a number",
       Answer("transaction-response", kProcedureOk + R"(,{"response":{"status":"2O1","location":"Communication/8"}})")},
      {"entries that are not objects", Answer("transaction-response", "1,2")},
  };
  for (const auto& [what, body] : cases) {
    TransactionReading r = ReadTransactionResponse(kSent, body);
    BOOST_TEST(static_cast<int>(r.kind) == static_cast<int>(Kind::kNotAnAnswer), what);
    BOOST_TEST(!r.why.empty(), what);
    BOOST_TEST(r.log_note.find("Planlagt") == std::string::npos, what);  // the log never quotes the body
  }
}

BOOST_AUTO_TEST_CASE(a_failed_entry_is_the_servers_word) {
  TransactionReading r = ReadTransactionResponse(
      kSent, Answer("transaction-response",
                    kProcedureOk + R"(,{"response":{"status":"412 Precondition Failed","outcome":{"resourceType":"OperationOutcome",)"
                                   R"("issue":[{"severity":"error","code":"multiple-matches","diagnostics":"two found"}]}}})"));
  BOOST_TEST(static_cast<int>(r.kind) == static_cast<int>(Kind::kEntryFailed));
  BOOST_TEST(r.entry_status == 412);
  BOOST_TEST(r.why == "entry HTTP 412: error multiple-matches: two found");
}

BOOST_AUTO_TEST_CASE(outcome_text_reads_issues_or_quotes_the_start) {
  BOOST_TEST(OutcomeText(R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid",)"
                         R"("details":{"text":"bad"},"expression":["Communication.subject"]}]})") ==
             "error invalid: bad (at Communication.subject)");
  BOOST_TEST(OutcomeText("plain text") == "plain text");
  BOOST_TEST(OutcomeText(std::string(5000, 'x')).size() == 300u);
}

BOOST_AUTO_TEST_CASE(a_document_answer_counts_with_the_put_binary_and_keeps_the_document_location) {
  constexpr const char* kDocument = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"https://ehr.example/fhir/Binary/selvhjelp-1","resource":{"resourceType":"Binary"},"request":{"method":"PUT","url":"Binary/selvhjelp-1"}},
    {"fullUrl":"urn:uuid:2","resource":{"resourceType":"DocumentReference"},"request":{"method":"POST","url":"DocumentReference","ifNoneExist":"identifier=a"}}]})";
  // Medplum answers the PUT with a location without _history; a retry answers 200 to both.
  TransactionReading r = ReadTransactionResponse(
      kDocument, Answer("transaction-response", R"({"response":{"status":"200","location":"Binary/selvhjelp-1"}},)"
                                                R"({"response":{"status":"201","location":"DocumentReference/9"}})"));
  BOOST_TEST(static_cast<int>(r.kind) == static_cast<int>(Kind::kWritten));
  BOOST_TEST(r.record_location == "DocumentReference/9");
  // A location of another type than sent is not an answer.
  TransactionReading wrong = ReadTransactionResponse(
      kDocument, Answer("transaction-response", R"({"response":{"status":"200","location":"DocumentReference/9"}},)"
                                                R"({"response":{"status":"201","location":"DocumentReference/9"}})"));
  BOOST_TEST(static_cast<int>(wrong.kind) == static_cast<int>(Kind::kNotAnAnswer));
}

BOOST_AUTO_TEST_CASE(a_patch_may_be_answered_without_a_location_but_not_with_a_wrong_one) {
  constexpr const char* kCorrection = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"resource":{"resourceType":"Binary"},"request":{"method":"PATCH","url":"Communication?identifier=a|1"}}]})";
  TransactionReading bare = ReadTransactionResponse(kCorrection, Answer("transaction-response", R"({"response":{"status":"200"}})"));
  BOOST_TEST(static_cast<int>(bare.kind) == static_cast<int>(Kind::kWritten));
  TransactionReading wrong = ReadTransactionResponse(
      kCorrection, Answer("transaction-response", R"({"response":{"status":"200","location":"Procedure/9"}})"));
  BOOST_TEST(static_cast<int>(wrong.kind) == static_cast<int>(Kind::kNotAnAnswer));
}
