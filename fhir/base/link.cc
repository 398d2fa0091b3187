#include "fhir/base/link.h"

#include <cctype>
#include <string>

namespace selvhjelp::fhir {

namespace {

std::string LowerScheme(std::string_view url) {
  std::string scheme;
  for (char c : url.substr(0, url.find(':'))) scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return scheme;
}

}  // namespace

bool IsSafeLink(std::string_view url) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos) return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  const std::string scheme = LowerScheme(url);
  const std::string_view rest = url.substr(colon + 1);
  if (scheme == "http" || scheme == "https") return rest.size() > 2 && rest.substr(0, 2) == "//";
  return (scheme == "mailto" || scheme == "tel") && !rest.empty();
}

bool IsReportLink(std::string_view url) { return IsSafeLink(url) && LowerScheme(url) != "tel"; }

}  // namespace selvhjelp::fhir
