#include "mappings/geography.h"

#include <cctype>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "fhir/json/utf8.h"
#include "mappings/municipality_changes.h"

namespace selvhjelp::mappings {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

bool IsDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

namespace {

// Lower-cases ASCII and the Norwegian capitals Æ, Ø, Å (UTF-8).
std::string LowerName(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == 0xC3 && i + 1 < name.size()) {
      unsigned char next = static_cast<unsigned char>(name[i + 1]);
      if (next == 0x86 || next == 0x98 || next == 0x85) next = static_cast<unsigned char>(next + 0x20);
      out.push_back(static_cast<char>(c));
      out.push_back(static_cast<char>(next));
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

}  // namespace

Result<Geography> Geography::Load(const std::filesystem::path& file) {
  Result<JsonValue> root = fhir::ReadJsonFile(file);
  if (!root.ok()) return root.status();
  DataProblems problems(file);
  Geography geo;
  problems.RejectUnknown(*root, "", {"description", "counties", "municipalities", "postalRanges", "changes"});
  const std::optional<std::string> changes_file = problems.String(*root, "changes", "", false);
  if (const JsonValue* counties = problems.Array(*root, "counties", "", true)) {
    for (size_t i = 0; i < counties->items().size(); ++i) {
      const JsonValue& c = counties->items()[i];
      std::string field = FieldPath("counties", i);
      auto number = problems.String(c, "number", field, true);
      auto name = problems.String(c, "name", field, true);
      auto region = problems.String(c, "healthRegion", field, true);

      if (number && !IsDigits(*number, 2)) {
        problems.Add(*c.Find("number"), FieldPath(field, "number"), "expected a 2-digit county number");
        continue;
      }
      if (number && name && region) geo.counties_[*number] = {*name, *region};
    }
  }
  if (const JsonValue* list = problems.Array(*root, "municipalities", "", true)) {
    for (size_t i = 0; i < list->items().size(); ++i) {
      const JsonValue& m = list->items()[i];
      std::string field = FieldPath("municipalities", i);
      problems.RejectUnknown(m, field, {"number", "name", "otherNames"});
      auto number = problems.String(m, "number", field, true);
      auto name = problems.String(m, "name", field, true);
      const std::vector<std::string> other_names = problems.Strings(m, "otherNames", field, false);
      if (!number || !name) continue;
      if (!IsDigits(*number, 4) || !geo.counties_.count(number->substr(0, 2))) {
        problems.Add(*m.Find("number"), FieldPath(field, "number"),
                     "expected a 4-digit municipality number in a listed county");
        continue;
      }
      geo.municipality_names_[*number] = *name;
      geo.by_lower_name_[LowerName(*name)] = *number;
      for (const std::string& other : other_names) geo.by_lower_name_[LowerName(other)] = *number;
    }
  }
  if (const JsonValue* list = problems.Array(*root, "postalRanges", "", false)) {
    for (size_t i = 0; i < list->items().size(); ++i) {
      const JsonValue& r = list->items()[i];
      std::string field = FieldPath("postalRanges", i);
      auto from = problems.String(r, "from", field, true);
      auto to = problems.String(r, "to", field, true);
      auto municipality = problems.String(r, "municipality", field, true);
      if (!from || !to || !municipality) continue;
      if (!IsDigits(*from, 4) || !IsDigits(*to, 4) || *from > *to) {
        problems.Add(r, field, "expected 4-digit postal codes with from <= to");
        continue;
      }
      if (!geo.municipality_names_.count(*municipality)) {
        problems.Add(*r.Find("municipality"), FieldPath(field, "municipality"),
                     "not a municipality listed in this file");
        continue;
      }
      geo.postal_ranges_.push_back({*from, *to, *municipality});
    }
  }
  SELVHJELP_RETURN_IF_ERROR(problems.ToStatus());
  if (changes_file) SELVHJELP_RETURN_IF_ERROR(geo.LoadChanges(file.parent_path() / *changes_file));
  return geo;
}

Status Geography::LoadChanges(const std::filesystem::path& file) {
  SELVHJELP_ASSIGN_OR_RETURN(std::vector<MunicipalityChange> changes, ReadMunicipalityChanges(file));
  std::vector<std::string> problems;
  auto problem = [&](int line, const char* column, const std::string& what) {
    problems.push_back(file.string() + ":" + std::to_string(line) + ": " + column + ": " + what);
  };
  for (const MunicipalityChange& change : changes) {
    if (municipality_names_.count(change.old_number)) {
      problem(change.line, "old", change.old_number + " is a municipality today: list only retired numbers");
      continue;
    }
    auto today = municipality_names_.find(change.new_number);
    if (today == municipality_names_.end()) {
      problem(change.line, "new", change.new_number + " is not a municipality in geography.json");
    } else if (today->second != change.new_name) {
      problem(change.line, "name", "geography.json names " + change.new_number + " \"" + today->second + "\"");
    } else {
      successors_[change.old_number].push_back(change.new_number);
    }
  }
  if (problems.empty()) return OkStatus();
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
  return InvalidArgumentError(message);
}

std::vector<std::string> Geography::TodaysNumbers(std::string_view number) const {
  if (municipality_names_.count(number)) return {std::string(number)};
  auto it = successors_.find(number);
  if (it == successors_.end()) return {};
  return it->second;
}

namespace {

// Latin-1 text as UTF-8 (Bring publishes the register in ISO-8859-1); valid UTF-8 is kept.
std::string ToUtf8(std::string_view text) {
  const bool ascii_or_utf8 = fhir::IsUtf8(text);
  if (ascii_or_utf8) return std::string(text);
  std::string out;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace

// "NORD-AURDAL" -> "Nord-Aurdal", "ØRLAND" -> "Ørland": capitals after a space or hyphen stay.
std::string TitleCase(const std::string& upper) {
  const std::string lower = LowerName(upper);
  std::string out;
  bool word_start = true;
  for (size_t i = 0; i < lower.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(lower[i]);
    if (word_start && c == 0xC3 && i + 1 < lower.size()) {  // æ ø å -> Æ Ø Å
      out.push_back(lower[i]);
      out.push_back(static_cast<char>(static_cast<unsigned char>(lower[i + 1]) - 0x20));
      ++i;
    } else {
      out.push_back(word_start ? static_cast<char>(std::toupper(c)) : lower[i]);
    }
    word_start = lower[i] == ' ' || lower[i] == '-';
  }
  return out;
}

Status Geography::LoadPostalRegister(const std::filesystem::path& file) {
  Result<std::string> raw = fhir::ReadTextFile(file);
  if (!raw.ok()) return raw.status();
  const std::string text = ToUtf8(*raw);
  std::vector<std::string> problems;
  auto problem = [&](int line, const char* column, const std::string& what) {
    problems.push_back(file.string() + ":" + std::to_string(line) + ": " + column + ": " + what);
  };
  int line = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string row = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!row.empty() && row.back() == '\r') row.pop_back();
    if (row.empty()) continue;
    std::vector<std::string> cells;
    for (size_t at = 0;;) {
      size_t tab = row.find('\t', at);
      cells.push_back(row.substr(at, tab == std::string::npos ? std::string::npos : tab - at));
      if (tab == std::string::npos) break;
      at = tab + 1;
    }
    if (cells.size() < 4) {
      problem(line, "(line)", "expected tab-separated postal code, place, municipality number, municipality name");
      continue;
    }
    if (!IsDigits(cells[0], 4)) {
      problem(line, "postal code", "expected 4 digits");
      continue;
    }
    if (!IsDigits(cells[2], 4)) {
      problem(line, "municipality number", "expected 4 digits");
      continue;
    }
    postal_register_[cells[0]] = cells[2];
    // The register names every municipality: it completes the built-in table (which wins).
    if (!cells[3].empty() && counties_.count(cells[2].substr(0, 2)) &&
        municipality_names_.try_emplace(cells[2], TitleCase(cells[3])).second) {
      by_lower_name_.try_emplace(LowerName(cells[3]), cells[2]);
    }
  }
  if (problems.empty()) return OkStatus();
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
  return InvalidArgumentError(message);
}

std::optional<std::string> Geography::MunicipalityByName(std::string_view name) const {
  auto it = by_lower_name_.find(LowerName(name));
  if (it == by_lower_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Geography::MunicipalityByPostalCode(std::string_view postal_code) const {
  if (!IsDigits(postal_code, 4)) return std::nullopt;
  if (auto it = postal_register_.find(postal_code); it != postal_register_.end()) return it->second;
  for (const PostalRange& range : postal_ranges_) {
    if (postal_code >= range.from && postal_code <= range.to) return range.municipality;
  }
  return std::nullopt;
}

std::optional<std::string> Geography::CountyOf(std::string_view municipality) {
  if (!IsDigits(municipality, 4)) return std::nullopt;
  return std::string(municipality.substr(0, 2));
}

std::optional<std::string> Geography::CountyName(std::string_view county) const {
  auto it = counties_.find(county);
  if (it == counties_.end()) return std::nullopt;
  return it->second.name;
}

std::vector<std::string> Geography::Counties() const {
  std::vector<std::string> numbers;
  for (const auto& [number, county] : counties_) numbers.push_back(number);
  return numbers;
}

std::optional<std::string> Geography::HealthRegion(std::string_view county) const {
  auto it = counties_.find(county);
  if (it == counties_.end()) return std::nullopt;
  return it->second.health_region;
}

std::optional<std::string> Geography::MunicipalityName(std::string_view municipality) const {
  auto it = municipality_names_.find(municipality);
  if (it == municipality_names_.end()) return std::nullopt;
  return it->second;
}

}  // namespace selvhjelp::mappings
