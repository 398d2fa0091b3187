#pragma once
// The twelve HSDS 3.0 tables the directory writes and reads, named as Open Referral's
// datapackage.json names them: the resource ("service"), its file ("services.csv",
// "service_at_location.csv") and, for each column written, the Table Schema type, format and
// whether the spec requires it (its JSON schema's "required" and "tabular_required").
#include <string_view>
#include <vector>

namespace selvhjelp::plugin {

struct HsdsColumn {
  const char* name;
  const char* type;    // Table Schema type: "string", "number", "date", "time"
  const char* format;  // "uuid", "uri", "email", or "" for the type's default
  bool required;
};

struct HsdsTable {
  const char* resource;  // datapackage.json resources[].name
  const char* path;      // its default file name
  std::vector<HsdsColumn> columns;  // what the export writes, in this order
  // Columns the import cannot do without (the table's own id and the ids it joins on); any
  // other column may be missing and reads as empty.
  std::vector<const char*> join_columns;
};

// The taxonomy terms whose attribute `value` carries the meaning (the rest mean what
// mappings/data/hsds-taxonomy.json says): the date a temporarily closed service opens again, and
// where to report wrong information about it (a mailto: or http(s) URL).
inline constexpr std::string_view kHsdsClosedUntilTerm = "temporarily-closed-until";
inline constexpr std::string_view kHsdsReportToTerm = "report-wrong-information";

// The tables in the order the spec's datapackage.json lists them.
const std::vector<HsdsTable>& HsdsTables();

// The table with this resource name, or nullptr.
const HsdsTable* FindHsdsTable(std::string_view resource);

}  // namespace selvhjelp::plugin
