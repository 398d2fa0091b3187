#pragma once
// What the harnesses share: the mapping tables from the tree (loaded once) and the input as text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "fhir/base/result.h"
#include "mappings/category_map.h"
#include "mappings/diagnosis_table.h"
#include "mappings/geography.h"

namespace selvhjelp::fuzz {

inline std::string_view Text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline std::filesystem::path MappingsDir() { return std::filesystem::path(SELVHJELP_SOURCE_DIR) / "mappings/data"; }

// A table the harness needs; aborts (a broken harness, not a finding) when it cannot be loaded.
template <typename T>
T Required(Result<T> loaded) {
  if (!loaded.ok()) std::abort();
  return std::move(loaded).value();
}

inline const mappings::Geography& Geography() {
  static const mappings::Geography geography = Required(mappings::Geography::Load(MappingsDir() / "geography.json"));
  return geography;
}

inline const mappings::CategoryMap& Categories(const char* file) {
  static std::map<std::string, mappings::CategoryMap> tables;
  auto it = tables.find(file);
  if (it == tables.end()) it = tables.emplace(file, Required(mappings::CategoryMap::Load(MappingsDir() / file))).first;
  return it->second;
}

inline const mappings::DiagnosisTable& Diagnoses() {
  static const mappings::DiagnosisTable table =
      Required(mappings::DiagnosisTable::Load({MappingsDir() / "substance-use-diagnoses.json"}, {}));
  return table;
}

}  // namespace selvhjelp::fuzz
