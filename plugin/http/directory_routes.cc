#include "plugin/http/directory_routes.h"

#include <chrono>
#include <cctype>
#include <cstdio>

#include "fhir/json/json_writer.h"
#include "fhir/r4/date_time.h"
#include "plugin/groups/directory_capability.h"
#include "plugin/groups/directory_query.h"
#include "plugin/groups/directory_read.h"
#include "plugin/groups/healthcare_service.h"
#include "plugin/http/error_response.h"
#include "plugin/http/public_base.h"

namespace selvhjelp::plugin {
namespace {

using Exchange = std::shared_ptr<HttpExchange>;
using fhir::JsonValue;

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kFhirJson = "application/fhir+json; charset=utf-8";

void Reply(const Exchange& ex, int status, std::string body, const char* content_type,
           std::vector<HttpHeader> headers = {}) {
  ReplyWith(*ex, status, std::move(body), content_type, std::move(headers));
}

void ReplyError(const Exchange& ex, const Status& status) { ReplyWithError(*ex, status); }

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '|' || c == ',' || c == ':') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// The searchset's self or next link: the parameters applied, _count and `offset`.
JsonValue SearchLink(const std::string& relation, const std::string& base, const ServiceSearch& search,
                     int64_t offset) {
  std::string url = base + "/HealthcareService?";
  for (const auto& [name, value] : search.used) {
    if (name != "_count") url += PercentEncode(name) + "=" + PercentEncode(value) + "&";
  }
  url += "_count=" + std::to_string(search.count);
  if (offset > 0) url += "&_offset=" + std::to_string(offset);
  JsonValue link = JsonValue::Object();
  link.Set("relation", relation);
  link.Set("url", url);
  return link;
}

class DirectoryRoutes {
 public:
  explicit DirectoryRoutes(Runtime& rt) : rt_(rt), started_(fhir::IsoInstant(NowSeconds())) {}

  static int64_t NowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

  std::string Base(const Exchange& ex) const { return RequestBaseUrl(rt_.config, ex->request()) + "/directory"; }

  void Status(const Exchange& ex) { Reply(ex, 200, fhir::WriteJson(rt_.directory->StatusJson()), kJson); }

  // Our own query, in card order (directory_query.h).
  void Groups(const Exchange& ex) {
    const std::shared_ptr<const GroupDirectory> directory = rt_.directory->Current();
    Result<std::vector<const Group*>> groups = QueryDirectory(*directory, ex->request().query);
    if (!groups.ok()) return ReplyError(ex, groups.status());
    const JsonValue bundle = HealthcareServiceBundle(*groups, "searchset", Base(ex), &rt_.directory->Confirmations());
    Reply(ex, 200, fhir::WriteJson(bundle), kFhirJson);
  }

  void Metadata(const Exchange& ex) {
    Reply(ex, 200, fhir::WriteJson(DirectoryCapabilityStatement(Base(ex), started_)), kFhirJson);
  }

  // FHIR search: strict about unknown parameters unless Prefer: handling=lenient.
  void Search(const Exchange& ex) {
    const bool lenient = ex->request().Header("Prefer").find("handling=lenient") != std::string_view::npos;
    Result<ServiceSearch> search = ParseServiceSearch(ex->request().query, lenient);
    if (!search.ok()) return ReplyError(ex, search.status());
    const std::shared_ptr<const GroupDirectory> directory = rt_.directory->Current();
    const SourceConfirmations& confirmations = rt_.directory->Confirmations();
    const ServicePage page = RunServiceSearch(*directory, &confirmations, *search);
    JsonValue bundle = HealthcareServiceBundle(page.groups, "searchset", Base(ex), &confirmations, page.total);
    JsonValue& links = bundle.Set("link", JsonValue::Array());
    links.Append(SearchLink("self", Base(ex), *search, search->offset));
    const int64_t next = search->offset + static_cast<int64_t>(page.groups.size());
    if (search->count > 0 && static_cast<size_t>(next) < page.total) links.Append(SearchLink("next", Base(ex), *search, next));
    if (!search->ignored.empty()) {
      JsonValue outcome = JsonValue::Object();
      outcome.Set("resourceType", "OperationOutcome");
      JsonValue& issues = outcome.Set("issue", JsonValue::Array());
      for (const std::string& name : search->ignored) {
        JsonValue& issue = issues.Append(JsonValue::Object());
        issue.Set("severity", "warning");
        issue.Set("code", "not-supported");
        issue.Set("diagnostics", name + ": unknown search parameter, ignored (Prefer: handling=lenient)");
        issue.Set("expression", JsonValue::Array()).Append(JsonValue::String(name));
      }
      JsonValue* entries = bundle.MutableFind("entry");
      if (entries == nullptr) entries = &bundle.Set("entry", JsonValue::Array());
      JsonValue& entry = entries->Append(JsonValue::Object());
      entry.Set("resource", std::move(outcome));
      entry.Set("search", JsonValue::Object()).Set("mode", "outcome");
    }
    Reply(ex, 200, fhir::WriteJson(bundle), kFhirJson);
  }

  // FHIR read: 200 with ETag W/"<versionId>" and Last-Modified (the source's last confirmation),
  // 304 when If-None-Match names the version, 404 for an id the directory does not have.
  void Read(const Exchange& ex, const std::string& id) {
    const std::shared_ptr<const GroupDirectory> directory = rt_.directory->Current();
    Result<ServiceRead> read = ReadHealthcareService(*directory, &rt_.directory->Confirmations(), id,
                                                     ex->request().Header("If-None-Match"));
    if (!read.ok()) return ReplyError(ex, read.status());
    std::vector<HttpHeader> headers = {{"ETag", read->etag}};
    if (!read->last_modified.empty()) headers.push_back({"Last-Modified", read->last_modified});
    if (read->not_modified) return Reply(ex, 304, "", kFhirJson, std::move(headers));
    Reply(ex, 200, fhir::WriteJson(read->resource), kFhirJson, std::move(headers));
  }

 private:
  Runtime& rt_;
  const std::string started_;  // CapabilityStatement.date
};

}  // namespace

void AddDirectoryRoutes(Router& router, Runtime& runtime) {
  // Owned by the handlers: the routes live as long as the router.
  auto routes = std::make_shared<DirectoryRoutes>(runtime);
  router.Add("GET", "/directory/status", [routes](const Exchange& ex, const auto&) { routes->Status(ex); });
  router.Add("GET", "/directory/groups", [routes](const Exchange& ex, const auto&) { routes->Groups(ex); });
  router.Add("GET", "/directory/metadata", [routes](const Exchange& ex, const auto&) { routes->Metadata(ex); });
  router.Add("GET", "/directory/HealthcareService", [routes](const Exchange& ex, const auto&) { routes->Search(ex); });
  router.Add("GET", "/directory/HealthcareService/{id}",
             [routes](const Exchange& ex, const auto& ids) { routes->Read(ex, ids[0]); });
}

}  // namespace selvhjelp::plugin
