#include "plugin/http/probe_routes.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "fhir/json/json_writer.h"
#include "fhir/r4/operation_outcome.h"

namespace selvhjelp::plugin {
namespace {

using Exchange = std::shared_ptr<HttpExchange>;

void ReplyJson(const Exchange& ex, int status, std::string body, const char* content_type) {
  HttpReply reply;
  reply.status = status;
  reply.content_type = content_type;
  reply.body = std::move(body);
  reply.headers.push_back({"Cache-Control", "no-store"});
  ex->Reply(std::move(reply));
}

// Why this instance should not take requests now; empty when it may.
std::vector<Issue> NotReady(Runtime& rt) {
  std::vector<Issue> reasons;
  auto add = [&reasons](std::string what) { reasons.push_back(Issue{"error", "transient", "", std::move(what)}); };
  if (rt.stopping.stop_requested()) add("service: stopping");
  if (Status writable = rt.ledger->Readiness(); !writable.ok()) add(writable.message());
  if (rt.directory->Current()->size() == 0) {
    const std::vector<SourceState> states = rt.directory->States();
    if (std::any_of(states.begin(), states.end(), [](const SourceState& s) { return s.loading; })) {
      add("directory: no groups yet; a source is still being read for the first time");
    }
  }
  return reasons;
}

}  // namespace

void AddProbeRoutes(Router& router, Runtime& rt) {
  router.Add("GET", "/livez", [](const Exchange& ex, const std::vector<std::string>&) {
    ReplyJson(ex, 200, R"({"status":"alive"})", "application/json; charset=utf-8");
  });
  router.Add("GET", "/readyz", [&rt](const Exchange& ex, const std::vector<std::string>&) {
    const std::vector<Issue> reasons = NotReady(rt);
    if (reasons.empty()) return ReplyJson(ex, 200, R"({"status":"ready"})", "application/json; charset=utf-8");
    ReplyJson(ex, 503, fhir::WriteJson(fhir::MakeOperationOutcome(reasons)), "application/fhir+json; charset=utf-8");
  });
}

}  // namespace selvhjelp::plugin
