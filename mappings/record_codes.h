#pragma once
// RecordCodes: the codes a record of information given carries that a hospital may choose
// (mappings/data/record-codes.json): the Procedure's category and its code per intervention
// level. No SNOMED CT concept for "motivational conversation about self-help groups" was found in
// the international edition, so the shipped file uses selvhjelp's own intervention-level codes;
// a hospital adds SNOMED CT or NKPK codes there when its terminology team has chosen them.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/r4/coding.h"

namespace selvhjelp::mappings {

struct RecordCodes {
  fhir::Coding procedure_category;  // e.g. SNOMED CT 409063005 Counselling
  // Procedure.code codings per intervention level ("conversation", "brokered"); every level that
  // makes a Procedure has at least one.
  std::map<std::string, std::vector<fhir::Coding>> procedure_codes;

  // Reads the file; InvalidArgument listing every problem as "file:line: field: what".
  static Result<RecordCodes> Load(const std::filesystem::path& file);
};

}  // namespace selvhjelp::mappings
