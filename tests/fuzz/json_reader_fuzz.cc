// The JSON reader (fhir/json): any bytes parse or fail cleanly, and what the writer makes of a
// parsed tree reads back as the same tree.
#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::Text(data, size);
  Result<fhir::JsonValue> tree = fhir::ParseJson(text);
  if (tree.ok()) {
    Result<fhir::JsonValue> again = fhir::ParseJson(fhir::WriteJson(*tree));
    if (!again.ok() || !(*again == *tree)) std::abort();
  }
  size_t elements = 0;
  (void)fhir::ParseJsonStreamingArray(text, "groups", [&elements](fhir::JsonValue) { return ++elements < 1000; });
  return 0;
}
