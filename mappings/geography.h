#pragma once
// Geography: Norwegian municipality and county numbers (2024), health regions, and the lookups
// that turn what a FHIR Address says into a municipality number. Immutable; thread-safe to read.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"

namespace selvhjelp::mappings {

class Geography {
 public:
  // InvalidArgument listing every problem as "file:line: field: what". When the file names a
  // municipality changes file ("changes", relative to the file's folder; see
  // municipality_changes.h), it is read too, and its problems are listed the same way.
  static Result<Geography> Load(const std::filesystem::path& file);

  // Today's municipality numbers for a municipality number as a record system may hold it: the
  // number itself when it is a municipality today; for a number retired in a reform, the
  // municipality that holds the place now (several when the old one was split, in file order);
  // empty for a number unknown in both tables.
  std::vector<std::string> TodaysNumbers(std::string_view number) const;

  // Municipality number for a name ("Bergen" -> "4601"), case-insensitive; nullopt if unknown.
  std::optional<std::string> MunicipalityByName(std::string_view name) const;
  // Adds Posten/Bring's postal register (tab-separated: postal code, place, municipality number,
  // municipality name, category; ISO-8859-1 or UTF-8). Its postal codes take precedence over the
  // ranges in geography.json, and its municipality names complete the built-in table, so with
  // the register every municipality is known by number and name. InvalidArgument listing every
  // bad line as "file:line: column: what".
  Status LoadPostalRegister(const std::filesystem::path& file);

  // Municipality number for a 4-digit postal code: from the postal register when loaded, else
  // where geography.json has its range.
  std::optional<std::string> MunicipalityByPostalCode(std::string_view postal_code) const;
  // County number: the first two digits of a 4-digit municipality number.
  static std::optional<std::string> CountyOf(std::string_view municipality);
  std::optional<std::string> CountyName(std::string_view county) const;
  // Every county number in the table.
  std::vector<std::string> Counties() const;
  // The regional health authority of a county ("Helse Vest"); nullopt for an unknown county.
  std::optional<std::string> HealthRegion(std::string_view county) const;
  std::optional<std::string> MunicipalityName(std::string_view municipality) const;

 private:
  struct County {
    std::string name, health_region;
  };
  struct PostalRange {
    std::string from, to, municipality;
  };
  std::map<std::string, County, std::less<>> counties_;
  std::map<std::string, std::string, std::less<>> municipality_names_;  // number -> name
  std::map<std::string, std::string, std::less<>> by_lower_name_;       // name -> number
  std::vector<PostalRange> postal_ranges_;
  std::map<std::string, std::string, std::less<>> postal_register_;  // postal code -> municipality
  std::map<std::string, std::vector<std::string>, std::less<>> successors_;  // retired number -> today's
  // Reads the changes file; every new number must be a municipality here under the same name.
  Status LoadChanges(const std::filesystem::path& file);
};

// True for a string of exactly `n` ASCII digits.
bool IsDigits(std::string_view s, size_t n);

}  // namespace selvhjelp::mappings
