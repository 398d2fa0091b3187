#pragma once
// The directory's searches: GET /directory/groups and `selvhjelp directory list` (QueryDirectory,
// our own parameters, card order), and the FHIR search GET /directory/HealthcareService
// (ParseServiceSearch + RunServiceSearch, FHIR's parameters, name order, paged).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/groups/group_directory.h"
#include "plugin/groups/source_confirmations.h"

namespace selvhjelp::plugin {

// Parameters: `municipality` (4 digits, optional), `theme` (optional), `audience` ("person",
// the default, or "relatives"). Returns the groups in card order, or InvalidArgument with one
// issue per unknown parameter or bad value ("<parameter>: <what>"). With `per_section` > 0 and a
// municipality, exactly the groups a card would show (GroupDirectory::Match); otherwise every
// matching group (GroupDirectory::List).
[[nodiscard]] Result<std::vector<const Group*>> QueryDirectory(
    const GroupDirectory& directory, const std::map<std::string, std::string>& parameters,
    int per_section = 0);

// A search parameter of GET /directory/HealthcareService, as the CapabilityStatement lists it.
struct SearchParameterInfo {
  const char* name;           // as sent: "_id", "location.address-city", ...
  const char* type;           // FHIR search parameter type: token, string, date, reference
  const char* definition;     // the SearchParameter's canonical URL
  const char* documentation;  // what it matches here
};
// Every parameter ParseServiceSearch understands (besides _count, _offset and _format).
const std::vector<SearchParameterInfo>& ServiceSearchParameters();

inline constexpr int kDefaultSearchCount = 100;  // _count when not given
inline constexpr int kMaxSearchCount = 1000;     // a larger _count is served as this many

// A parsed FHIR search of the directory. Every list holds alternatives (a comma-separated value:
// any of them matches); the parameters together must all match.
struct ServiceSearch {
  struct Token {
    std::string system;       // empty with any_system
    std::string code;         // empty: any code of `system`
    bool any_system = true;   // "code" alone; "|code" and "system|code" name the system
  };
  struct DateRange {
    std::string prefix = "eq";  // eq, gt, ge, lt, le
    int64_t from = 0, to = 0;   // [from, to): the value's precision as seconds since the epoch
  };
  std::vector<std::string> ids;        // _id
  std::vector<std::string> cities;     // location.address-city: starts with (ignoring ASCII case)
  bool cities_exact = false;           // location.address-city:exact: equal, case and all
  std::vector<Token> categories;       // service-category
  std::vector<Token> types;            // service-type (our themes)
  std::vector<DateRange> last_updated; // _lastUpdated: the source's last confirmation (one value)
  int count = kDefaultSearchCount;     // _count, 0 to kMaxSearchCount
  int64_t offset = 0;                  // _offset: matches skipped (paging)
  std::map<std::string, std::string> used;  // the parameters applied, for the Bundle's self link
  std::vector<std::string> ignored;         // unknown parameters left out (lenient handling only)
};

// Parses the query of GET /directory/HealthcareService. Unknown parameters are InvalidArgument
// naming each of them (FHIR's strict handling), or, with `lenient` (Prefer: handling=lenient),
// listed in `ignored`. A bad value of a known parameter is always InvalidArgument; every problem
// is one issue of the Status.
[[nodiscard]] Result<ServiceSearch> ParseServiceSearch(const std::map<std::string, std::string>& parameters,
                                                       bool lenient);

struct ServicePage {
  std::vector<const Group*> groups;  // this page, in name order
  size_t total = 0;                  // matches in all
};
// The groups of `directory` that match `search`, `search.count` of them from `search.offset`.
// `confirmations` (may be null: nothing matches a _lastUpdated) gives each group's lastUpdated.
ServicePage RunServiceSearch(const GroupDirectory& directory, const SourceConfirmations* confirmations,
                             const ServiceSearch& search);

}  // namespace selvhjelp::plugin
