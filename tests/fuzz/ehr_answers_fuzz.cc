// What an EHR answers to write-back: the body of a transaction's answer (only a matching
// transaction-response counts as delivered) and the CapabilityStatement read at start-up.
#include "fhir/json/json_reader.h"
#include "plugin/records/capability_check.h"
#include "plugin/records/transaction_response.h"
#include "plugin/records/write_back.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

namespace {

// A document-mode transaction and a correction: a PUT, a conditional create and a PATCH.
constexpr std::string_view kSent = R"({"resourceType":"Bundle","type":"transaction","entry":[
  {"resource":{"resourceType":"Binary"},"request":{"method":"PUT","url":"Binary/selvhjelp-1"}},
  {"resource":{"resourceType":"DocumentReference"},"request":{"method":"POST","url":"DocumentReference","ifNoneExist":"identifier=a|1"}},
  {"resource":{"resourceType":"Binary"},"request":{"method":"PATCH","url":"Communication?identifier=a|1"}}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::Text(data, size);
  (void)plugin::ReadTransactionResponse(kSent, text);
  (void)plugin::OutcomeText(text);
  Result<fhir::JsonValue> statement = fhir::ParseJson(text);
  if (!statement.ok()) return 0;
  static const std::vector<plugin::NeededInteraction> needs = {
      {"Communication", "create"}, {"DocumentReference", "create"}, {"Binary", "update"}, {"", "transaction"}};
  (void)plugin::CapabilityGaps(*statement, needs);
  return 0;
}
