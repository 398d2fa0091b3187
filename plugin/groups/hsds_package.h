#pragma once
// Open Referral HSDS 3.0 data packages: a folder with datapackage.json and CSV tables
// (organizations, services, locations, addresses, service_at_locations, schedules, languages,
// phones, taxonomy_terms, attributes).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/groups/group.h"
#include "plugin/groups/hsds_source.h"

namespace selvhjelp::plugin {

// Writes `groups` as a data package in `dir` (created). Themes become taxonomy terms
// "self-help-<theme>", the audience "audience-relatives" or "audience-both", 12-step the term
// "twelve-step" and digital groups "online" (the codes mappings/data/hsds-taxonomy.json reads
// back); schedules keep their iCal rules. Unavailable when the files cannot be written.
[[nodiscard]] Status WriteHsdsPackage(const std::vector<const Group*>& groups, const std::filesystem::path& dir);

// Reads a data package: the tables are joined into compiled services and read as GroupsFromHsds
// does. InvalidArgument naming "<table>.csv:line: column: what" for a missing table or column.
[[nodiscard]] Result<std::vector<Group>> LoadHsdsPackage(const std::filesystem::path& dir,
                                                         const HsdsSource& source);

// The same from the tables' CSV text already read, by table name ("services" -> its text);
// `dir` names the files in errors. InvalidArgument for a table that is missing.
[[nodiscard]] Result<std::vector<Group>> ParseHsdsPackage(const std::map<std::string, std::string>& tables,
                                                          const std::filesystem::path& dir,
                                                          const HsdsSource& source);

}  // namespace selvhjelp::plugin
