#include "plugin/groups/hsds_tables.h"

namespace selvhjelp::plugin {

const std::vector<HsdsTable>& HsdsTables() {
  static const std::vector<HsdsTable> tables = {
      {"organization", "organizations.csv",
       {{"id", "string", "uuid", true}, {"name", "string", "", true}, {"description", "string", "", true}},
       {"id"}},
      {"service", "services.csv",
       {{"id", "string", "uuid", true},
        {"organization_id", "string", "uuid", true},
        {"name", "string", "", true},
        {"description", "string", "", false},
        {"url", "string", "uri", false},
        {"email", "string", "email", false},
        {"status", "string", "", true},
        {"assured_date", "date", "", false},
        {"minimum_age", "number", "", false}},
       {"id", "organization_id"}},
      {"attribute", "attributes.csv",
       {{"id", "string", "uuid", true},
        {"link_id", "string", "uuid", true},
        {"taxonomy_term_id", "string", "uuid", true},
        {"link_entity", "string", "", true},
        {"value", "string", "", false}},
       {"link_id", "taxonomy_term_id"}},
      {"service_at_location", "service_at_location.csv",
       {{"id", "string", "uuid", true}, {"service_id", "string", "uuid", true}, {"location_id", "string", "uuid", true}},
       {"service_id", "location_id"}},
      {"location", "locations.csv",
       {{"id", "string", "uuid", true},
        {"location_type", "string", "", true},
        {"name", "string", "", false},
        {"latitude", "number", "", false},
        {"longitude", "number", "", false}},
       {"id"}},
      {"phone", "phones.csv",
       {{"id", "string", "uuid", true}, {"service_id", "string", "uuid", false}, {"number", "string", "", true}},
       {"service_id"}},
      {"address", "addresses.csv",
       {{"id", "string", "uuid", true},
        {"location_id", "string", "uuid", false},
        {"address_1", "string", "", true},
        {"city", "string", "", true},
        {"state_province", "string", "", true},
        {"postal_code", "string", "", true},
        {"country", "string", "", true},
        {"address_type", "string", "", true}},
       {"location_id"}},
      {"accessibility", "accessibility.csv",
       {{"id", "string", "uuid", true}, {"location_id", "string", "uuid", false}, {"description", "string", "", false}},
       {"location_id"}},
      {"schedule", "schedules.csv",
       {{"id", "string", "uuid", true},
        {"service_id", "string", "uuid", false},
        {"freq", "string", "", false},
        {"interval", "number", "", false},
        {"byday", "string", "", false},
        {"bymonthday", "string", "", false},
        {"opens_at", "time", "", false},
        {"closes_at", "time", "", false}},
       {"service_id"}},
      {"language", "languages.csv",
       {{"id", "string", "uuid", true}, {"service_id", "string", "uuid", false}, {"code", "string", "", false}},
       {"service_id"}},
      {"service_area", "service_areas.csv",
       {{"id", "string", "uuid", true},
        {"service_id", "string", "uuid", false},
        {"name", "string", "", false},
        {"description", "string", "", false}},
       {"service_id"}},
      {"taxonomy_term", "taxonomy_terms.csv",
       {{"id", "string", "uuid", true},
        {"code", "string", "", false},
        {"name", "string", "", true},
        {"description", "string", "", true}},
       {"id"}},
  };
  return tables;
}

const HsdsTable* FindHsdsTable(std::string_view resource) {
  for (const HsdsTable& table : HsdsTables()) {
    if (resource == table.resource) return &table;
  }
  return nullptr;
}

}  // namespace selvhjelp::plugin
