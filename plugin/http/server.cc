#include "plugin/http/server.h"

#include <pplx/threadpool.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <chrono>
#include <cstdio>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_reader.h"
#include "fhir/json/parsed_json.h"
#include "fhir/json/json_writer.h"
#include "plugin/cds/hook_definitions.h"
#include "fhir/json/json_file.h"
#include "plugin/audit/audit_job.h"
#include "plugin/http/access_guard.h"
#include "plugin/http/app_routes.h"
#include "plugin/http/directory_routes.h"
#include "plugin/http/error_response.h"
#include "plugin/http/listener.h"
#include "plugin/http/metrics_page.h"
#include "plugin/http/probe_routes.h"
#include "plugin/http/public_base.h"
#include "plugin/http/router.h"
#include "plugin/http/cors.h"
#include "plugin/log.h"

namespace selvhjelp::plugin {
namespace {

using fhir::JsonValue;
using Exchange = std::shared_ptr<HttpExchange>;

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kFhirJson = "application/fhir+json; charset=utf-8";

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

ListenerOptions OptionsFrom(const config::ServiceConfig& c) {
  ListenerOptions o;
  o.bind_address = c.bind_address;
  o.port = c.port;
  o.tls_certificate = c.tls_certificate;
  o.tls_private_key = c.tls_private_key;
  o.threads = c.threads;
  o.max_header_bytes = static_cast<size_t>(c.max_header_bytes);
  o.max_body_bytes = static_cast<size_t>(c.max_body_bytes);
  o.header_timeout = std::chrono::milliseconds(c.header_timeout_ms);
  o.body_timeout = std::chrono::milliseconds(c.body_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
  o.shutdown_grace = std::chrono::milliseconds(c.shutdown_grace_ms);
  o.max_connections = c.max_connections;
  return o;
}

// The routes: each request goes through the route table (404, or 405 with Allow) to its handler.
class RouteServer : public HttpServer {
 public:
  RouteServer(Runtime& rt, std::unique_ptr<Listener> listener, std::shared_ptr<const RequestMetrics> request_metrics)
      : rt_(rt), listener_(std::move(listener)), request_metrics_(std::move(request_metrics)), cors_(rt.config.cors_allowed_origins),
        guard_(rt.config, *rt.verifier, rt.access_tokens.get()) {
    rt_.config.port = listener_->port();  // bound already: the app's redirect URI names the real port
    app_ = MakeAppRoutes(rt_);
    AddRoutes();
  }
  ~RouteServer() override { Stop(); }

  // The bound port becomes the config's, so BaseUrl() (token audiences, Location headers) names
  // it before the first request is served.
  void Start() {
    rt_.config.port = listener_->port();
    listener_->Serve([this](const Exchange& ex) { Handle(ex); });
  }

  void Stop() override {
    listener_->Stop();
    std::thread audit;
    {
      std::lock_guard<std::mutex> lock(audit_mutex_);
      audit = std::move(audit_thread_);
    }
    if (audit.joinable()) audit.join();  // never under audit_mutex_, which the audit thread takes last
  }

  std::string url() const override { return listener_->url(); }

 private:
  void AddRoutes() {
    auto plain = [this](void (RouteServer::*f)(const Exchange&)) {
      return [this, f](const Exchange& ex, const std::vector<std::string>&) { (this->*f)(ex); };
    };
    router_.Add("GET", "/health", plain(&RouteServer::Health));
    router_.Add("GET", "/metrics", plain(&RouteServer::MetricsRoute));
    AddProbeRoutes(router_, rt_);
    router_.Add("GET", "/fhir/Measure/$evaluate-measure", plain(&RouteServer::EvaluateMeasure));
    router_.Add("GET", "/fhir/Measure/selvhjelp-information/$evaluate-measure", plain(&RouteServer::EvaluateMeasure));
    router_.Add("POST", "/records", [this](const Exchange& ex, const auto&) { PostRecord(ex, false); });
    router_.Add("POST", "/fhir/$record-information", [this](const Exchange& ex, const auto&) { PostRecord(ex, true); });
    router_.Add("GET", "/records/{id}", [this](const Exchange& ex, const auto& ids) { GetRecord(ex, ids[0]); });
    router_.Add("GET", "/records", plain(&RouteServer::FindRecords));
    router_.Add("POST", "/records/{id}/$entered-in-error",
                [this](const Exchange& ex, const auto& ids) { EnterInError(ex, ids[0]); });
    AddDirectoryRoutes(router_, rt_);
    router_.Add("GET", "/cds-services", plain(&RouteServer::Discovery));
    router_.Add("GET", "/cds-services/", plain(&RouteServer::Discovery));
    router_.Add("POST", "/cds-services/{id}", [this](const Exchange& ex, const auto& ids) { Hook(ex, ids[0], false); });
    router_.Add("POST", "/cds-services/{id}/feedback", [this](const Exchange& ex, const auto& ids) { Hook(ex, ids[0], true); });
    if (app_) app_->AddTo(router_);
  }

  // The exception boundary of every route.
  void Handle(const Exchange& received) {
    Exchange ex = received;  // with CORS headers for an allowed origin, in the catch too
    try {
      const HttpRequest& request = received->request();
      if (CorsPolicy::Covers(request.path)) {
        const std::string_view origin = request.Header("Origin");
        if (request.method == "OPTIONS") {  // a browser's preflight: allowed origins learn what they may send
          HttpReply preflight;
          preflight.status = 204;
          preflight.headers = cors_.PreflightHeaders(origin);
          return ex->Reply(std::move(preflight));
        }
        ex = WithReplyHeaders(received, cors_.ResponseHeaders(origin));
      }
      Router::Match match = router_.Find(request.method, request.path);
      if (match.handler) return (*match.handler)(ex, match.captured);
      if (match.allow.empty()) return ReplyError(ex, NotFoundError("no such endpoint"));
      // Never echo the request (TRACE would): the method is not even named.
      HttpError error = ToHttpError(InvalidArgumentError("(method): not served on this path; allowed: " + match.allow), ex->id());
      ReplyWith(*ex, 405, std::move(error.body), kOperationOutcomeType, {{"Allow", match.allow}});
    } catch (...) {
      ReplyError(ex, InternalError("unexpected exception"));
    }
  }

  static void Reply(const Exchange& ex, int status, std::string body, const char* content_type = kJson,
                    const std::string& location = "") {
    std::vector<HttpHeader> headers;
    if (!location.empty()) headers.push_back({"Location", location});
    ReplyWith(*ex, status, std::move(body), content_type, std::move(headers));
  }

  static void ReplyError(const Exchange& ex, const Status& status) { ReplyWithError(*ex, status); }

  // Verifies the CDS Hooks JWT for a request to its path; replies 401 and returns false when it
  // fails (the hooks and discovery: the EHR's calls).
  bool Authenticate(const Exchange& ex) {
    if (!rt_.config.auth_required) return true;
    const std::string value(ex->request().Header("Authorization"));
    Result<VerifiedToken> token = rt_.verifier->Verify(value, RequestBaseUrl(rt_.config, ex->request()) + ex->request().path);
    if (token.ok()) return true;
    Log(LogLevel::kWarning, "auth.rejected", "request " + ex->id() + " rejected: " + token.status().message(), ex->trace().trace_id);
    ReplyError(ex, token.status());
    return false;
  }

  // GET /fhir/Measure/$evaluate-measure?periodStart=&periodEnd=[&unit=]: the audit over
  // audit.fhirServer, for the auditors in audit.auditors only; one run at a time.
  // An access token may carry the audit scope instead of naming an auditor.
  void EvaluateMeasure(const Exchange& ex) {
    std::optional<Caller> caller = guard_.Admit(ex);
    if (!caller) return;
    if (rt_.config.auth_required) {
      const auto& auditors = rt_.config.audit.auditors;
      const std::string& scope = rt_.config.access_tokens.audit_read_scope;
      const bool auditor = std::find(auditors.begin(), auditors.end(), std::make_pair(caller->iss, caller->sub)) != auditors.end();
      if (!auditor && !(caller->access_token && caller->HasScope(scope))) {
        Log(LogLevel::kWarning, "auth.refused", "request " + ex->id() + " refused: not an auditor", ex->trace().trace_id);
        if (caller->access_token) {
          return AccessGuard::RefuseScope(ex, scope, "(auth): the scope " + scope + " or the auditor role (audit.auditors) is required");
        }
        return ReplyError(ex, PermissionDeniedError("(auth): the auditor role is required (audit.auditors)"));
      }
    }
    std::map<std::string, std::string> query = ex->request().query;
    if (query["periodStart"].empty()) return ReplyError(ex, RequiredFieldError("periodStart", "(YYYY-MM-DD)"));
    if (query["periodEnd"].empty()) return ReplyError(ex, RequiredFieldError("periodEnd", "(YYYY-MM-DD)"));
    AuditJob job{query["periodStart"], query["periodEnd"], query["unit"], {},
                 rt_.config.store_path.parent_path() / ("audit-" + ex->id()), {"periodStart", "periodEnd", "unit"},
                 /*language: the config's*/ ""};
    std::lock_guard<std::mutex> lock(audit_mutex_);
    if (audit_running_) {
      HttpError busy = ToHttpError(ResourceExhaustedError("(request): an audit is running; try again when it is done"), ex->id());
      return Reply(ex, 429, busy.body, kOperationOutcomeType);
    }
    if (audit_thread_.joinable()) audit_thread_.join();  // the previous run has finished
    audit_running_ = true;
    audit_thread_ = std::thread([this, ex, job] {
      try {  // the audit thread's exception boundary
        RunAudit(ex, job);
      } catch (...) {
        ReplyError(ex, InternalError("unexpected exception"));
      }
      std::lock_guard<std::mutex> done(audit_mutex_);
      audit_running_ = false;
    });
  }

  void RunAudit(const Exchange& ex, const AuditJob& job) {
    AuditSource source{rt_.audit_send, rt_.audit_tokens.get(), nullptr};
    Result<AuditOutput> output = RunAuditJob(job, rt_.config, *rt_.diagnoses, source);
    std::string report;
    if (output.ok()) {
      Result<std::string> text = fhir::ReadTextFile(job.out_dir / "measure-report.json");
      report = text.ok() ? *text : "";
    }
    std::error_code ec;
    std::filesystem::remove_all(job.out_dir, ec);
    if (!output.ok()) {
      ReplyError(ex, output.status());
    } else if (report.empty()) {
      ReplyError(ex, InternalError("audit report not readable"));
    } else {
      Reply(ex, 200, report, kFhirJson);
    }
  }

  // Readiness: 503 with an OperationOutcome saying why while the store cannot write.
  void Health(const Exchange& ex) {
    if (Status writable = rt_.ledger->Readiness(); !writable.ok()) {
      return ReplyError(ex, UnavailableError("(service): not ready: " + writable.message()));  // logged there
    }
    JsonValue health = JsonValue::Object();
    health.Set("status", "ok");
    health.Set("groups", JsonValue::Int(static_cast<int64_t>(rt_.directory->Current()->size())));
    Result<int64_t> feedback = rt_.ledger->CountFeedback();
    health.Set("feedbackStored", feedback.ok() ? JsonValue::Int(*feedback) : JsonValue());
    health.Set("cardWriteFailures", JsonValue::Int(rt_.ledger->card_write_failures()));
    health.Set("cardsDropped", JsonValue::Int(rt_.ledger->cards_dropped()));
    health.Set("records", RecordsHealth());
    Reply(ex, 200, fhir::WriteJson(health));
  }

  void MetricsRoute(const Exchange& ex) {
    Reply(ex, 200, MetricsPage(rt_, *request_metrics_), "text/plain; version=0.0.4; charset=utf-8");
  }

  void PostRecord(const Exchange& ex, bool operation) {
    std::optional<Caller> caller = guard_.Admit(ex);
    if (!caller || !guard_.RequireScope(ex, *caller, rt_.config.access_tokens.records_write_scope)) return;
    ReadBody(ex, [this, ex, operation](const std::string& body) { OnRecord(ex, body, operation); });
  }

  void GetRecord(const Exchange& ex, const std::string& id) {
    std::optional<Caller> caller = guard_.Admit(ex);
    if (!caller || !guard_.RequireScope(ex, *caller, rt_.config.access_tokens.records_read_scope)) return;
    Result<OutboxEntry> state = rt_.records->State(id);
    if (!state.ok()) return ReplyError(ex, state.status());
    Reply(ex, 200, fhir::WriteJson(ReceiptJson(*state)));
  }

  // GET /records?patient=ID: our store's records about a patient of records.fhirServer.
  void FindRecords(const Exchange& ex) {
    std::optional<Caller> caller = guard_.Admit(ex);
    if (!caller || !guard_.RequireScope(ex, *caller, rt_.config.access_tokens.records_read_scope)) return;
    auto patient = ex->request().query.find("patient");
    Result<std::vector<StoredRecord>> found =
        rt_.records->RecordsOf(patient == ex->request().query.end() ? std::string() : patient->second);
    if (!found.ok()) return ReplyError(ex, found.status());
    JsonValue out = JsonValue::Object();
    JsonValue& list = out.Set("records", JsonValue::Array());
    for (const StoredRecord& r : *found) list.Append(StoredRecordJson(r));
    Reply(ex, 200, fhir::WriteJson(out));
  }

  // POST /records/{id}/$entered-in-error: 200 with the record once the mark is committed.
  // Marking changes a record: it needs the write scope.
  void EnterInError(const Exchange& ex, const std::string& id) {
    std::optional<Caller> caller = guard_.Admit(ex);
    if (!caller || !guard_.RequireScope(ex, *caller, rt_.config.access_tokens.records_write_scope)) return;
    Result<bool> marked = rt_.records->EnterInError(id);
    if (!marked.ok()) return ReplyError(ex, marked.status());
    Result<OutboxEntry> state = rt_.records->State(id);
    if (!state.ok()) return ReplyError(ex, state.status());
    JsonValue out = ReceiptJson(*state);
    out.Set("status", "entered-in-error");
    out.Set("correction", *marked ? "queued" : "already queued");
    Reply(ex, 200, fhir::WriteJson(out));
  }

  void Discovery(const Exchange& ex) {
    if (!Authenticate(ex)) return;
    Reply(ex, 200, fhir::WriteJson(DiscoveryDocument()));
  }

  // POST /cds-services/{id} and /cds-services/{id}/feedback.
  void Hook(const Exchange& ex, const std::string& id, bool feedback) {
    const HookService* service = FindHookService(id);
    if (service == nullptr) return ReplyError(ex, NotFoundError("no CDS service with this id"));
    if (!Authenticate(ex)) return;
    ReadBody(ex, [this, ex, service, feedback](const std::string& body) { OnBody(ex, *service, feedback, body); });
  }

  // Reads the body (the listener bounds it and answers 413 / 400 itself) and passes it to `then`
  // on a listener thread.
  static void ReadBody(const Exchange& ex, std::function<void(const std::string&)> then) {
    ex->ReadBody([ex, then = std::move(then)] { then(ex->request().body); });
  }

  // POST /records (our JSON) and POST /fhir/$record-information (a Parameters resource): 202 with
  // the record's state when it is newly committed, 200 when the same record was already stored.
  void OnRecord(const Exchange& ex, const std::string& body, bool operation) {
    Result<JsonValue> json = fhir::ParseJson(body);
    if (!json.ok()) return ReplyError(ex, InvalidArgumentError("(body): malformed JSON at " + json.status().message()));
    Result<RecordReceipt> receipt =
        operation ? rt_.records->RecordParameters(*json, ex->trace()) : rt_.records->Record(*json, ex->trace());
    if (!receipt.ok()) return ReplyError(ex, receipt.status());
    const int status = receipt->created ? 202 : 200;
    const std::string location = RequestBaseUrl(rt_.config, ex->request()) + "/records/" + receipt->id;
    if (!operation) return Reply(ex, status, fhir::WriteJson(ReceiptJson(receipt->entry)), kJson, location);
    JsonValue parameters = JsonValue::Object();
    parameters.Set("resourceType", "Parameters");
    JsonValue& list = parameters.Set("parameter", JsonValue::Array());
    JsonValue& id = list.Append(JsonValue::Object());
    id.Set("name", "id");
    id.Set("valueId", receipt->id);
    JsonValue& state = list.Append(JsonValue::Object());
    state.Set("name", "state");
    state.Set("valueCode", receipt->entry.state);
    Reply(ex, status, fhir::WriteJson(parameters), kFhirJson, location);
  }

  // Outbox counts for /health: numbers only (the reasons may quote the EHR).
  JsonValue RecordsHealth() {
    JsonValue records = JsonValue::Object();
    records.Set("writeBack", JsonValue::Bool(rt_.delivery != nullptr));
    if (rt_.write_back) records.Set("writeBackMode", rt_.write_back->name());
    Result<OutboxCounts> counts = rt_.outbox->Counts();
    if (!counts.ok()) {
      records.Set("error", "store unreadable");
      return records;
    }
    records.Set("pending", JsonValue::Int(counts->pending));
    records.Set("delivered", JsonValue::Int(counts->delivered));
    records.Set("parked", JsonValue::Int(counts->parked));
    records.Set("stored", JsonValue::Int(counts->stored));
    records.Set("oldestPendingSeconds", JsonValue::Int(counts->OldestPendingSeconds(NowMillis())));
    return records;
  }

  void OnBody(const Exchange& ex, const HookService& service, bool feedback,
              const std::string& body) {
    if (feedback) {
      Result<JsonValue> json = fhir::ParseJson(body);
      if (!json.ok()) return ReplyError(ex, InvalidArgumentError("(body): malformed JSON at " + json.status().message()));
      Status stored = rt_.service->HandleFeedback(*json);
      if (!stored.ok()) return ReplyError(ex, stored);
      Reply(ex, 200, "{}");
      return;
    }
    // A hook call is read in place, without a JsonValue tree: its prefetch is most of the body.
    Result<std::shared_ptr<const fhir::ParsedJson>> json = fhir::ParsedJson::Parse(body);
    if (!json.ok()) return ReplyError(ex, InvalidArgumentError("(body): malformed JSON at " + json.status().message()));
    const std::string accept_language(ex->request().Header("Accept-Language"));
    rt_.service->Handle(service, std::move(json).value(), accept_language, ex->trace(), [ex](Result<std::string> result) {
      try {
        if (!result.ok()) return ReplyError(ex, result.status());
        Reply(ex, 200, std::move(*result));
      } catch (const std::exception&) {
        ReplyError(ex, InternalError("unexpected exception"));
      }
    });
  }

  Runtime& rt_;
  std::unique_ptr<Listener> listener_;
  std::shared_ptr<const RequestMetrics> request_metrics_;  // filled by the listener's on_answered
  const CorsPolicy cors_;  // for /cds-services and below
  AccessGuard guard_;      // records and audit: CDS Hooks JWTs or access tokens
  std::unique_ptr<AppRoutes> app_;  // null when the app is not configured
  Router router_;
  std::mutex audit_mutex_;  // guards audit_running_ and audit_thread_
  bool audit_running_ = false;
  std::thread audit_thread_;
};

}  // namespace

void SizeThreadPool(int threads) {
  crossplat::threadpool::initialize_with_threads(static_cast<size_t>(threads));
}

Result<std::unique_ptr<HttpServer>> StartHttpServer(Runtime& runtime) {
  std::vector<std::string> hook_ids;
  for (const HookService& service : HookServices()) hook_ids.push_back(service.id);
  auto request_metrics = std::make_shared<RequestMetrics>(hook_ids);
  ListenerOptions options = OptionsFrom(runtime.config);
  options.on_answered = [request_metrics](const HttpRequest& request, int status, std::chrono::microseconds elapsed) {
    request_metrics->Observe(request.method, request.path, status, elapsed);
  };
  SELVHJELP_ASSIGN_OR_RETURN(std::unique_ptr<Listener> listener, Listener::Bind(options));
  auto server = std::make_unique<RouteServer>(runtime, std::move(listener), std::move(request_metrics));
  server->Start();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace selvhjelp::plugin
