// The CSV reader (plugin/groups/csv_reader): any bytes give rows or a clean error, and rows'
// lines never go backwards.
#include "plugin/groups/csv_reader.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int last_line = 0;
  (void)plugin::ReadCsv(fuzz::Text(data, size), [&last_line](plugin::CsvRow row) {
    if (row.line < last_line || row.cells.empty()) std::abort();
    last_line = row.line;
  });
  return 0;
}
