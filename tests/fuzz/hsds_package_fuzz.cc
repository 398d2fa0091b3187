// The HSDS 3.0 data package source: its ten CSV tables, given as one input with the tables
// separated by form feeds (\f) in this order; a table left out is its header only.
#include <map>
#include <string>

#include "plugin/groups/hsds_package.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

namespace {

struct Table {
  const char* name;
  const char* header;
};
constexpr Table kTables[] = {
    {"organizations", "id,name,description"},
    {"services", "id,organization_id,name,description,url,email,status,assured_date"},
    {"locations", "id,location_type,name,latitude,longitude"},
    {"addresses", "id,location_id,address_1,city,postal_code,country,address_type"},
    {"service_at_locations", "id,service_id,location_id"},
    {"schedules", "id,service_id,freq,interval,byday,opens_at,closes_at"},
    {"languages", "id,service_id,code"},
    {"phones", "id,service_id,number"},
    {"taxonomy_terms", "id,code,name"},
    {"attributes", "id,link_id,link_type,link_entity,taxonomy_term_id"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const plugin::HsdsSource source{"fuzz", &fuzz::Categories("hsds-taxonomy.json"), &fuzz::Geography()};
  std::string_view text = fuzz::Text(data, size);
  std::map<std::string, std::string> tables;
  for (const Table& table : kTables) {
    size_t end = text.find('\f');
    std::string_view part = text.substr(0, end);
    tables[table.name] = part.empty() ? std::string(table.header) + "\n" : std::string(part);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  (void)plugin::ParseHsdsPackage(tables, "fuzz", source);
  return 0;
}
