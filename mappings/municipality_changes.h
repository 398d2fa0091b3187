#pragma once
// Municipality changes: which municipality holds today the place an old municipality number
// named. Record systems keep the number an address got when it was registered (DIPS Arena's
// address extension still says 1201 for Bergen, 3005 for Drammen), so a number retired in the
// 2020 reform or the 2024 county split must be read as today's. The rows live as data in
// mappings/data/municipality-changes.csv; Geography reads them at start-up.
#include <filesystem>
#include <string>
#include <vector>

#include "fhir/base/result.h"

namespace selvhjelp::mappings {

// One row: `old_number`, last used on `until` (YYYY-MM-DD), now lies in `new_number`, named
// `new_name` (as geography.json names it). An old number with several rows was split.
struct MunicipalityChange {
  std::string old_number, new_number, new_name, until;
  int line = 0;  // where the row is in the file, for the caller's own checks
};

// Reads the changes file: UTF-8 text; lines starting with '#' are comments, and one of them,
// before the header, must start with "# source:" (where the rows come from); then the header
// `old,new,name,until`; then one row per line. Checks the form only (4-digit numbers, a date,
// a name, no row twice); whether a number exists is Geography's check. InvalidArgument listing
// every problem as "file:line: column: what"; NotFound when the file cannot be read.
[[nodiscard]] Result<std::vector<MunicipalityChange>> ReadMunicipalityChanges(const std::filesystem::path& file);

}  // namespace selvhjelp::mappings
