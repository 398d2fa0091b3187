#include "plugin/groups/directory_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "fhir/r4/date_time.h"
#include "mappings/geography.h"
#include "plugin/cds/vocabulary.h"
#include "plugin/groups/healthcare_service.h"

namespace selvhjelp::plugin {

Result<std::vector<const Group*>> QueryDirectory(const GroupDirectory& directory,
                                                 const std::map<std::string, std::string>& parameters,
                                                 int per_section) {
  std::string municipality, theme;
  Recipient recipient = Recipient::kPatient;
  IssueCollector problems;
  for (const auto& [name, value] : parameters) {
    if (name == "municipality") {
      if (!mappings::IsDigits(value, 4)) problems.Add(FieldIssue("municipality", "expected a 4-digit municipality number"));
      municipality = value;
    } else if (name == "theme") {
      theme = value;
    } else if (name == "audience") {
      if (value != "person" && value != "relatives") problems.Add(FieldIssue("audience", "expected person or relatives"));
      recipient = value == "relatives" ? Recipient::kRelatives : Recipient::kPatient;
    } else {
      problems.Add(FieldIssue(name, "unknown parameter (use municipality, theme, audience)"));
    }
  }
  if (!problems.empty()) return problems.ToStatus();
  if (per_section > 0 && !municipality.empty()) {
    return directory.Match(municipality, recipient, per_section, theme).InOrder();
  }
  return directory.List(municipality, recipient, theme);
}

const std::vector<SearchParameterInfo>& ServiceSearchParameters() {
  static const std::vector<SearchParameterInfo> parameters = {
      {"_id", "token", "http://hl7.org/fhir/SearchParameter/Resource-id", "The group's HealthcareService id."},
      {"_lastUpdated", "date", "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated",
       "When the group's source last confirmed it (meta.lastUpdated); one value, prefix eq, gt, ge, lt or le."},
      {"service-category", "token", "http://hl7.org/fhir/SearchParameter/HealthcareService-service-category",
       "HealthcareService.category: every group is selvhjelp-topic|self-help-groups."},
      {"service-type", "token", "http://hl7.org/fhir/SearchParameter/HealthcareService-service-type",
       "HealthcareService.type: the group's themes (group-theme)."},
      {"location", "reference", "http://hl7.org/fhir/SearchParameter/HealthcareService-location",
       "Only chained as location.address-city (Location-address-city on the contained meeting place): "
       "the city starts with the value, ignoring case; :exact for an exact match."},
  };
  return parameters;
}

namespace {

std::vector<std::string> SplitCommas(const std::string& value) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t comma = value.find(',', start);
    parts.push_back(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<int64_t> NonNegative(const std::string& name, const std::string& value) {
  int64_t n = -1;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (error != std::errc() || end != value.data() + value.size() || n < 0) {
    return FieldError(name, "expected a whole number, 0 or more");
  }
  return n;
}

std::optional<ServiceSearch::Token> ParseToken(const std::string& text) {
  ServiceSearch::Token token;
  size_t bar = text.find('|');
  if (bar == std::string::npos) {
    token.code = text;
  } else {
    token.any_system = false;
    token.system = text.substr(0, bar);
    token.code = text.substr(bar + 1);
  }
  if (token.code.empty() && token.system.empty()) return std::nullopt;
  return token;
}

std::optional<int64_t> DayStart(int year, int month, int day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  std::optional<int64_t> epoch_day = fhir::EpochDay(text);
  if (!epoch_day) return std::nullopt;
  return *epoch_day * 86400;
}

// "ge2026-11-20", "2026", "lt2026-11-20T10:00:00Z": the prefix and the value's range by its
// precision (year, month, day, or a second with its time zone; dates in UTC).
std::optional<ServiceSearch::DateRange> ParseDate(const std::string& text) {
  ServiceSearch::DateRange range;
  std::string_view value = text;
  if (value.size() >= 2 && std::isalpha(static_cast<unsigned char>(value[0]))) {
    range.prefix = std::string(value.substr(0, 2));
    value.remove_prefix(2);
    if (range.prefix != "eq" && range.prefix != "gt" && range.prefix != "ge" && range.prefix != "lt" &&
        range.prefix != "le") {
      return std::nullopt;
    }
  }
  const auto digits = [&](size_t from, size_t length) {
    int n = 0;
    for (size_t i = from; i < from + length; ++i) {
      if (i >= value.size() || !std::isdigit(static_cast<unsigned char>(value[i]))) return -1;
      n = n * 10 + (value[i] - '0');
    }
    return n;
  };
  std::optional<int64_t> from, to;
  if (value.size() == 4 && digits(0, 4) >= 0) {
    from = DayStart(digits(0, 4), 1, 1);
    to = DayStart(digits(0, 4) + 1, 1, 1);
  } else if (value.size() == 7 && value[4] == '-' && digits(0, 4) >= 0 && digits(5, 2) >= 1 && digits(5, 2) <= 12) {
    const int year = digits(0, 4), month = digits(5, 2);
    from = DayStart(year, month, 1);
    to = month == 12 ? DayStart(year + 1, 1, 1) : DayStart(year, month + 1, 1);
  } else if (value.size() == 10) {
    if (std::optional<int64_t> day = fhir::EpochDay(value)) {
      from = *day * 86400;
      to = *from + 86400;
    }
  } else if (std::optional<int64_t> instant = fhir::EpochSeconds(value)) {
    from = *instant;
    to = *instant + 1;
  }
  if (!from || !to) return std::nullopt;
  range.from = *from;
  range.to = *to;
  return range;
}

bool MatchesDate(const ServiceSearch::DateRange& range, int64_t at) {
  if (range.prefix == "gt") return at >= range.to;
  if (range.prefix == "ge") return at >= range.from;
  if (range.prefix == "lt") return at < range.from;
  if (range.prefix == "le") return at < range.to;
  return at >= range.from && at < range.to;
}

bool MatchesToken(const std::vector<ServiceSearch::Token>& tokens, std::string_view system, std::string_view code) {
  return std::any_of(tokens.begin(), tokens.end(), [&](const ServiceSearch::Token& t) {
    return (t.any_system || t.system == system) && (t.code.empty() || t.code == code);
  });
}

bool Matches(const Group& g, const SourceConfirmations* confirmations, const ServiceSearch& s) {
  if (!s.ids.empty() && std::find(s.ids.begin(), s.ids.end(), HealthcareServiceId(g)) == s.ids.end()) return false;
  if (!s.cities.empty()) {
    if (!MeetsInPerson(g) || g.address.city.empty()) return false;
    const std::string city = Lower(g.address.city);
    const bool any = std::any_of(s.cities.begin(), s.cities.end(), [&](const std::string& wanted) {
      return s.cities_exact ? g.address.city == wanted : city.starts_with(Lower(wanted));
    });
    if (!any) return false;
  }
  if (!s.categories.empty() && !MatchesToken(s.categories, vocabulary::kTopicSystem, "self-help-groups")) return false;
  if (!s.types.empty() && std::none_of(g.themes.begin(), g.themes.end(), [&](const std::string& theme) {
        return MatchesToken(s.types, vocabulary::kThemeSystem, theme);
      })) {
    return false;
  }
  if (!s.last_updated.empty()) {
    const int64_t at = confirmations ? confirmations->Of(g.source).at : 0;
    if (at == 0) return false;
    for (const auto& range : s.last_updated) {
      if (!MatchesDate(range, at)) return false;
    }
  }
  return true;
}

}  // namespace

Result<ServiceSearch> ParseServiceSearch(const std::map<std::string, std::string>& parameters, bool lenient) {
  ServiceSearch search;
  IssueCollector problems;
  const auto tokens = [&](const std::string& name, const std::string& value, std::vector<ServiceSearch::Token>& out) {
    for (const std::string& part : SplitCommas(value)) {
      if (std::optional<ServiceSearch::Token> token = ParseToken(part)) out.push_back(*token);
      else problems.Add(FieldIssue(name, "expected code, system|code or system|"));
    }
  };
  for (const auto& [name, value] : parameters) {
    bool used = true;
    if (name == "_id") {
      search.ids = SplitCommas(value);
    } else if (name == "location.address-city" || name == "location.address-city:exact") {
      search.cities = SplitCommas(value);
      search.cities_exact = name.ends_with(":exact");
    } else if (name == "service-category") {
      tokens(name, value, search.categories);
    } else if (name == "service-type") {
      tokens(name, value, search.types);
    } else if (name == "_lastUpdated") {
      if (std::optional<ServiceSearch::DateRange> range = ParseDate(value)) search.last_updated.push_back(*range);
      else problems.Add(FieldIssue(name, "expected [eq|gt|ge|lt|le] and a date (YYYY, YYYY-MM, YYYY-MM-DD) or an instant"));
    } else if (name == "_count") {
      if (std::optional<int64_t> n = problems.Take(NonNegative(name, value))) {
        search.count = static_cast<int>(std::min<int64_t>(*n, kMaxSearchCount));
      }
    } else if (name == "_offset") {
      used = false;  // the links set it themselves
      if (std::optional<int64_t> n = problems.Take(NonNegative(name, value))) search.offset = *n;
    } else if (name == "_format") {
      used = false;
      if (value != "json" && value != "application/json" && value != "application/fhir+json") {
        problems.Add(FieldIssue(name, "only json is served"));
      }
    } else if (lenient) {
      used = false;
      search.ignored.push_back(name);
    } else {
      used = false;
      problems.Add(FieldIssue(name, "unknown search parameter (use _id, location.address-city, service-category, "
                                    "service-type, _lastUpdated, _count; or send Prefer: handling=lenient)",
                              "not-supported"));
    }
    if (used) search.used[name] = value;
  }
  if (!problems.empty()) return problems.ToStatus();
  return search;
}

ServicePage RunServiceSearch(const GroupDirectory& directory, const SourceConfirmations* confirmations,
                             const ServiceSearch& search) {
  ServicePage page;
  for (const Group& g : directory.groups()) {
    if (!Matches(g, confirmations, search)) continue;
    const size_t index = page.total++;
    if (index >= static_cast<size_t>(search.offset) && page.groups.size() < static_cast<size_t>(search.count)) {
      page.groups.push_back(&g);
    }
  }
  return page;
}

}  // namespace selvhjelp::plugin
