// The HSDS 3.0 data package source: its eleven CSV tables (by resource name), given as one input
// with the tables separated by form feeds (\f) in this order; a table left out is its header only.
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
    {"organization", "id,name,description"},
    {"service", "id,organization_id,name,description,url,email,status,assured_date,minimum_age"},
    {"location", "id,location_type,name,latitude,longitude"},
    {"address", "id,location_id,address_1,city,state_province,postal_code,country,address_type"},
    {"service_at_location", "id,service_id,location_id"},
    {"schedule", "id,service_id,freq,interval,byday,bymonthday,opens_at,closes_at"},
    {"language", "id,service_id,code"},
    {"phone", "id,service_id,number"},
    {"taxonomy_term", "id,code,name,description"},
    {"attribute", "id,link_id,taxonomy_term_id,link_entity,value"},
    {"accessibility", "id,location_id,description"},  // last: older seeds (ten parts) still parse
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
