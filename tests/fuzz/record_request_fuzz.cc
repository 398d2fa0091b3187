// The record request reader (plugin/records/record_request): the JSON body of POST /records, and
// the Parameters of $record-information turned into that body.
#include "fhir/json/json_reader.h"
#include "plugin/records/record_request.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr int64_t kNow = 1'800'000'000;
  Result<fhir::JsonValue> body = fhir::ParseJson(fuzz::Text(data, size));
  if (!body.ok()) return 0;
  (void)plugin::ParseRecordRequest(*body, kNow, 50);
  Result<fhir::JsonValue> from_parameters = plugin::RecordRequestFromParameters(*body);
  if (from_parameters.ok()) (void)plugin::ParseRecordRequest(*from_parameters, kNow, 50);
  return 0;
}
