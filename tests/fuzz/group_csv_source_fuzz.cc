// The CSV group source (docs/group-sources.md).
#include "plugin/groups/group_csv_source.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)plugin::ParseGroupCsv(fuzz::Text(data, size), "fuzz.csv", "fuzz");
  return 0;
}
