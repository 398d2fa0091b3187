// The JSON group file source (docs/group-file-format.md).
#include "plugin/groups/group_file_source.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)plugin::ParseGroupDocument(fuzz::Text(data, size), "fuzz.json", "fuzz");
  return 0;
}
