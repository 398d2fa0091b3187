#include "plugin/audit/fhir_export.h"

#include <fstream>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

namespace {

// "scheme://host[:port]" of a URL.
std::string Origin(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  size_t path = url.find('/', scheme + 3);
  return url.substr(0, path);
}

}  // namespace

Status DownloadForAudit(const HttpSend& send, AccessTokenSource& tokens, const std::string& base_url, int page_size,
                        const std::filesystem::path& dir, const std::function<void(int64_t)>& progress) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  int64_t read = 0;
  const std::string category = std::string(vocabulary::kCategorySystem) + "%7C" + std::string(vocabulary::kCategoryCode);
  const std::pair<const char*, std::string> searches[] = {
      {"Patient", ""}, {"EpisodeOfCare", ""}, {"Encounter", ""}, {"Condition", ""}, {"RelatedPerson", ""},
      {"Communication", "&category=" + category}};
  for (const auto& [type, filter] : searches) {
    std::ofstream out(dir / (std::string(type) + ".ndjson"), std::ios::binary);
    std::string url = base_url + "/" + type + "?_count=" + std::to_string(page_size) + filter;
    while (!url.empty()) {
      if (Origin(url) != Origin(base_url)) return PermissionDeniedError(url + ": a next link to another server");
      SELVHJELP_ASSIGN_OR_RETURN(std::string token, tokens.Token());
      HttpRequestSpec request{"GET", url, {{"Accept", "application/fhir+json"}}, ""};
      if (!token.empty()) request.headers["Authorization"] = "Bearer " + token;
      SELVHJELP_ASSIGN_OR_RETURN(HttpResponse response, send(request));
      if (response.status == 401 || response.status == 403) {
        return PermissionDeniedError(url + ": HTTP " + std::to_string(response.status));
      }
      if (response.status != 200) return UnavailableError(url + ": HTTP " + std::to_string(response.status));
      Result<fhir::JsonValue> bundle = fhir::ParseJson(response.body);
      if (!bundle.ok() || bundle->FindString("resourceType") != "Bundle") return UnavailableError(url + ": not a Bundle");
      url.clear();
      if (const fhir::JsonValue* entries = bundle->Find("entry")) {
        for (const fhir::JsonValue& entry : entries->items()) {
          const fhir::JsonValue* resource = entry.Find("resource");
          if (resource == nullptr || resource->FindString("resourceType") != type) continue;  // included resources
          out << fhir::WriteJson(*resource) << '\n';
          ++read;
        }
      }
      if (const fhir::JsonValue* links = bundle->Find("link")) {
        for (const fhir::JsonValue& link : links->items()) {
          if (link.FindString("relation") == "next") url = std::string(link.FindString("url").value_or(""));
        }
      }
      if (progress) progress(read);
    }
    if (!out) return UnavailableError(dir.string() + ": write failed");
  }
  return OkStatus();
}

}  // namespace selvhjelp::plugin
