// The HSDS 3.0 source (compiled services as JSON: a file, or an API page).
#include "plugin/groups/hsds_source.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const plugin::HsdsSource source{"fuzz", &fuzz::Categories("hsds-taxonomy.json"), &fuzz::Geography()};
  (void)plugin::ParseHsds(fuzz::Text(data, size), "fuzz.json", source);
  return 0;
}
