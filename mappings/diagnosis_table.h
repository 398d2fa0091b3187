#pragma once
// DiagnosisTable: which diagnosis codes put a patient in scope (substance-use disorders).
// Immutable after loading; thread-safe to read.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"

namespace selvhjelp::mappings {

class DiagnosisTable {
 public:
  // Loads the files in order; later files add code systems, includes and excludes. Exclude
  // rules whose `id` is in `lifted_exclusions` (e.g. "tobacco") are dropped.
  // InvalidArgument listing every problem as "file:line: field: what".
  static Result<DiagnosisTable> Load(const std::vector<std::filesystem::path>& files,
                                     const std::set<std::string>& lifted_exclusions);

  // True when (system, code) is a substance-use diagnosis. `system` is any URI the table lists
  // (ICD-10 as http://hl7.org/fhir/sid/icd-10, icd-10-no or the Norwegian OID, ICPC-2, SNOMED CT).
  // Codes are compared without dots and case-insensitively.
  bool InScope(std::string_view system, std::string_view code) const;

 private:
  struct Rule {
    std::string from, to;             // a range of code prefixes (inclusive), or
    std::vector<std::string> codes;   // listed codes
  };
  struct System {
    bool hierarchical = false;
    std::vector<Rule> include, exclude;
  };
  static bool Matches(const System& system, const Rule& rule, std::string_view code);

  // Each URI's system (a copy: a few rules per URI), for InScope's one lookup.
  std::map<std::string, System, std::less<>> system_by_uri_;
};

// Upper-cases and removes dots and spaces: "f10.2" -> "F102".
std::string NormaliseCode(std::string_view code);

}  // namespace selvhjelp::mappings
