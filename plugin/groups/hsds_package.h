#pragma once
// Open Referral HSDS 3.0 tabular data packages: a folder with datapackage.json and one CSV file
// per table, named as the spec's own datapackage.json names them (hsds_tables.h: resource
// "organization" in organizations.csv, "service_at_location" in service_at_location.csv, ...).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "mappings/geography.h"
#include "plugin/groups/group.h"
#include "plugin/groups/hsds_source.h"

namespace selvhjelp::plugin {

// Writes `groups` as a data package in `dir` (created): the ten tables of hsds_tables.h with
// exactly their columns, and a datapackage.json whose fields carry the spec's Table Schema types
// and formats (uuid, uri, email, date, time, number) and required constraints.
//  - Every id is a UUID v5 derived from the group's source and id (and the row's part), so a
//    re-export keeps them; organizations and taxonomy terms are derived from their name / code
//    and shared.
//  - Themes become taxonomy terms "self-help-<theme>", the audience "audience-relatives" or
//    "audience-both", 12-step "twelve-step" and digital groups "online" (the codes
//    mappings/data/hsds-taxonomy.json reads back), each with a description.
//  - Schedules keep their iCal parts (freq, interval, byday, bymonthday); opens_at and closes_at
//    are hh:mm:ss.
//  - address.state_province is the county's name from `geography` (its number when `geography`
//    is null or lacks it); country is "NO".
// Unavailable when a file cannot be written.
[[nodiscard]] Status WriteHsdsPackage(const std::vector<const Group*>& groups, const mappings::Geography* geography,
                                      const std::filesystem::path& dir);

// Reads a data package: each table's file comes from datapackage.json's resources (by resource
// name) or, without one, the spec's default file names; the tables are joined into compiled
// services and read as GroupsFromHsds does. Only the service table is required; a table the
// package does not have is empty. Errors: NotFound "<file>: cannot be read" for a file the
// descriptor lists that is not there; InvalidArgument naming "<file>:line: column: what" for a
// missing join column or bad data, "datapackage.json:line: field: what" for a bad descriptor.
[[nodiscard]] Result<std::vector<Group>> LoadHsdsPackage(const std::filesystem::path& dir,
                                                         const HsdsSource& source);

// The same from the tables' CSV text already read, by resource name ("service" -> its text).
// `files` names each table's file in errors (default: `dir` / the spec's file name).
// InvalidArgument when the service table is missing.
[[nodiscard]] Result<std::vector<Group>> ParseHsdsPackage(const std::map<std::string, std::string>& tables,
                                                          const std::filesystem::path& dir,
                                                          const HsdsSource& source,
                                                          const std::map<std::string, std::filesystem::path>& files = {});

}  // namespace selvhjelp::plugin
