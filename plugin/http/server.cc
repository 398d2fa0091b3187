#include "plugin/http/server.h"

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <chrono>
#include <cstdio>

#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"
#include "plugin/cds/hook_definitions.h"
#include "plugin/groups/directory_query.h"
#include "plugin/groups/healthcare_service.h"
#include "fhir/json/json_file.h"
#include "plugin/audit/audit_job.h"
#include "plugin/http/error_response.h"
#include "plugin/log.h"

namespace selvhjelp::plugin {
namespace {

namespace http = web::http;
using fhir::JsonValue;

constexpr const char* kJson = "application/json; charset=utf-8";

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

class CpprestServer : public HttpServer {
 public:
  CpprestServer(Runtime& rt, std::string url) : rt_(rt), url_(std::move(url)) {}

  Status Start() {
    http::experimental::listener::http_listener_config cfg;
    cfg.set_timeout(std::chrono::seconds(30));
    if (!rt_.config.tls_certificate.empty()) {
      std::string cert = rt_.config.tls_certificate.string(), key = rt_.config.tls_private_key.string();
      cfg.set_ssl_context_callback([cert, key](boost::asio::ssl::context& ctx) {
        ctx.set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_sslv2 |
                        boost::asio::ssl::context::no_sslv3 | boost::asio::ssl::context::no_tlsv1 |
                        boost::asio::ssl::context::no_tlsv1_1);
        ctx.use_certificate_chain_file(cert);
        ctx.use_private_key_file(key, boost::asio::ssl::context::pem);
      });
    }
    std::string scheme = rt_.config.tls_certificate.empty() ? "http://" : "https://";
    std::string listen = scheme + rt_.config.bind_address + ":" + std::to_string(rt_.config.port);
    try {
      listener_ = std::make_unique<http::experimental::listener::http_listener>(
          utility::conversions::to_string_t(listen), cfg);
      listener_->support([this](http::http_request request) { Dispatch(std::move(request)); });
      listener_->open().wait();  // start-up, not a handler: waiting here is fine
    } catch (const std::exception& e) {
      return UnavailableError("cannot listen on " + listen + ": " + e.what());
    }
    return OkStatus();
  }

  void Stop() override {
    if (!listener_) return;
    try {
      listener_->close().wait();
    } catch (const std::exception&) {
    }
    listener_.reset();
    std::lock_guard<std::mutex> lock(audit_mutex_);
    if (audit_thread_.joinable()) audit_thread_.join();
  }

  std::string url() const override { return url_; }

 private:
  struct Exchange {
    http::http_request request;
    std::string id;
    std::string path;
    std::chrono::steady_clock::time_point start;
  };

  void Reply(const std::shared_ptr<Exchange>& ex, int status, const std::string& body,
             const char* content_type = kJson, const std::string& location = "") {
    try {
      http::http_response response(static_cast<http::status_code>(status));
      response.set_body(body, content_type);
      if (!location.empty()) response.headers().add(U("Location"), utility::conversions::to_string_t(location));
      ex->request.reply(response);
    } catch (const std::exception&) {
      // The client went away; nothing else to do.
    }
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - ex->start).count();
    // Codes, ids and paths only: never bodies, tokens or patient identifiers.
    LogLine("request " + ex->id + " " + utility::conversions::to_utf8string(ex->request.method()) +
            " " + ex->path + " " + std::to_string(status) + " " + std::to_string(micros) + "us");
  }

  void ReplyError(const std::shared_ptr<Exchange>& ex, const Status& status) {
    HttpError error = ToHttpError(status, ex->id);
    Reply(ex, error.status, error.body);
  }

  void Dispatch(http::http_request request) {
    auto ex = std::make_shared<Exchange>(Exchange{request, std::to_string(++counter_),
                                                  utility::conversions::to_utf8string(request.relative_uri().path()),
                                                  std::chrono::steady_clock::now()});
    try {
      Route(ex);
    } catch (const std::exception&) {
      ReplyError(ex, InternalError("unexpected exception"));
    }
  }

  // Verifies the JWT for a request to `path`; replies 401 and returns false when it fails.
  bool Authenticate(const std::shared_ptr<Exchange>& ex) { return Authenticated(ex).has_value(); }

  // The verified token (empty when auth.required is false); replies 401 and returns nullopt when
  // verification fails.
  std::optional<VerifiedToken> Authenticated(const std::shared_ptr<Exchange>& ex) {
    if (!rt_.config.auth_required) return VerifiedToken{};
    auto header = ex->request.headers().find(U("Authorization"));
    std::string value = header == ex->request.headers().end() ? "" : utility::conversions::to_utf8string(header->second);
    Result<VerifiedToken> token = rt_.verifier->Verify(value, rt_.config.BaseUrl() + ex->path);
    if (token.ok()) return *token;
    LogLine("request " + ex->id + " rejected: " + token.status().message());
    ReplyError(ex, token.status());
    return std::nullopt;
  }

  // The request's query parameters, decoded (the last of a repeated name wins).
  static std::map<std::string, std::string> QueryParameters(const std::shared_ptr<Exchange>& ex) {
    std::map<std::string, std::string> parameters;
    for (const auto& [name, value] : http::uri::split_query(ex->request.request_uri().query())) {
      parameters[utility::conversions::to_utf8string(http::uri::decode(name))] =
          utility::conversions::to_utf8string(http::uri::decode(value));
    }
    return parameters;
  }

  // GET /fhir/Measure/$evaluate-measure?periodStart=&periodEnd=[&unit=]: the audit over
  // audit.fhirServer, for the auditors in audit.auditors only; one run at a time.
  void EvaluateMeasure(const std::shared_ptr<Exchange>& ex) {
    std::optional<VerifiedToken> token = Authenticated(ex);
    if (!token) return;
    if (rt_.config.auth_required) {
      const auto& auditors = rt_.config.audit.auditors;
      if (std::find(auditors.begin(), auditors.end(), std::make_pair(token->iss, token->sub)) == auditors.end()) {
        LogLine("request " + ex->id + " refused: not an auditor");
        return ReplyError(ex, PermissionDeniedError("(auth): the auditor role is required (audit.auditors)"));
      }
    }
    std::map<std::string, std::string> query = QueryParameters(ex);
    if (query["periodStart"].empty()) return ReplyError(ex, InvalidArgumentError("periodStart: required (YYYY-MM-DD)"));
    if (query["periodEnd"].empty()) return ReplyError(ex, InvalidArgumentError("periodEnd: required (YYYY-MM-DD)"));
    AuditJob job{query["periodStart"], query["periodEnd"], query["unit"], {},
                 rt_.config.store_path.parent_path() / ("audit-" + ex->id), {"periodStart", "periodEnd", "unit"}};
    std::lock_guard<std::mutex> lock(audit_mutex_);
    if (audit_running_) {
      HttpError busy = ToHttpError(ResourceExhaustedError("(request): an audit is running; try again when it is done"), ex->id);
      return Reply(ex, 429, busy.body);
    }
    if (audit_thread_.joinable()) audit_thread_.join();  // the previous run has finished
    audit_running_ = true;
    audit_thread_ = std::thread([this, ex, job] {
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
        Reply(ex, 200, report, "application/fhir+json; charset=utf-8");
      }
      std::lock_guard<std::mutex> done(audit_mutex_);
      audit_running_ = false;
    });
  }

  void Route(const std::shared_ptr<Exchange>& ex) {
    const std::string& path = ex->path;
    const auto method = ex->request.method();
    if (path == "/health" && method == http::methods::GET) {
      JsonValue health = JsonValue::Object();
      health.Set("status", "ok");
      health.Set("groups", JsonValue::Int(static_cast<int64_t>(rt_.directory->Current()->size())));
      Result<int64_t> feedback = rt_.ledger->CountFeedback();
      health.Set("feedbackStored", feedback.ok() ? JsonValue::Int(*feedback) : JsonValue());
      health.Set("cardWriteFailures", JsonValue::Int(rt_.ledger->card_write_failures()));
      health.Set("records", RecordsHealth());
      Reply(ex, 200, fhir::WriteJson(health));
      return;
    }
    if ((path == "/fhir/Measure/$evaluate-measure" || path == "/fhir/Measure/selvhjelp-information/$evaluate-measure") &&
        method == http::methods::GET) {
      return EvaluateMeasure(ex);
    }
    if (path == "/metrics" && method == http::methods::GET) {
      Reply(ex, 200, Metrics(), "text/plain; version=0.0.4; charset=utf-8");
      return;
    }
    if ((path == "/records" || path == "/fhir/$record-information") && method == http::methods::POST) {
      if (!Authenticate(ex)) return;
      ReadBody(ex, [this, ex, operation = path != "/records"](const std::string& body) { OnRecord(ex, body, operation); });
      return;
    }
    if (path.rfind("/records/", 0) == 0 && method == http::methods::GET) {
      if (!Authenticate(ex)) return;
      Result<OutboxEntry> state = rt_.records->State(path.substr(9));
      if (!state.ok()) return ReplyError(ex, state.status());
      Reply(ex, 200, fhir::WriteJson(ReceiptJson(*state)));
      return;
    }
    if (path == "/directory/status" && method == http::methods::GET) {
      Reply(ex, 200, fhir::WriteJson(rt_.directory->StatusJson()));
      return;
    }
    if (path == "/directory/groups" && method == http::methods::GET) {
      // The regional directory holds no patient data: open to read, like a public listing.
      const std::map<std::string, std::string> parameters = QueryParameters(ex);
      const std::shared_ptr<const GroupDirectory> directory = rt_.directory->Current();
      Result<std::vector<const Group*>> groups = QueryDirectory(*directory, parameters);
      if (!groups.ok()) return ReplyError(ex, groups.status());
      Reply(ex, 200, fhir::WriteJson(HealthcareServiceBundle(*groups, "searchset", rt_.config.BaseUrl() + "/directory")),
            "application/fhir+json; charset=utf-8");
      return;
    }
    constexpr std::string_view kPrefix = "/cds-services";
    if (path.rfind(kPrefix, 0) != 0) {
      ReplyError(ex, NotFoundError("no such endpoint"));
      return;
    }
    std::string rest = path.substr(kPrefix.size());
    if (rest.empty() || rest == "/") {
      if (method != http::methods::GET) return ReplyError(ex, InvalidArgumentError("(method): use GET"));
      if (!Authenticate(ex)) return;
      Reply(ex, 200, fhir::WriteJson(DiscoveryDocument()));
      return;
    }
    std::string id = rest.substr(1);
    bool feedback = false;
    if (id.size() > 9 && id.compare(id.size() - 9, 9, "/feedback") == 0) {
      id.resize(id.size() - 9);
      feedback = true;
    }
    const HookService* service = FindHookService(id);
    if (service == nullptr) return ReplyError(ex, NotFoundError("no CDS service with this id"));
    if (method != http::methods::POST) return ReplyError(ex, InvalidArgumentError("(method): use POST"));
    if (!Authenticate(ex)) return;
    ReadBody(ex, [this, ex, service, feedback](const std::string& body) { OnBody(ex, *service, feedback, body); });
  }

  // Reads the request body without blocking and passes it to `then` (on a pool thread), or
  // replies 413 / 400 itself.
  void ReadBody(const std::shared_ptr<Exchange>& ex, std::function<void(const std::string&)> then) {
    auto length = ex->request.headers().content_length();
    if (length > static_cast<size_t>(rt_.config.max_body_bytes)) {
      return ReplyError(ex, ResourceExhaustedError("(body): larger than service.maxBodyBytes"));
    }
    ex->request.extract_utf8string(true).then([this, ex, then = std::move(then)](pplx::task<std::string> task) {
      std::string body;
      try {
        body = task.get();  // complete here: does not block
      } catch (const std::exception&) {
        return ReplyError(ex, InvalidArgumentError("(body): could not be read"));
      }
      if (body.size() > static_cast<size_t>(rt_.config.max_body_bytes)) {
        return ReplyError(ex, ResourceExhaustedError("(body): larger than service.maxBodyBytes"));
      }
      try {
        then(body);
      } catch (const std::exception&) {
        ReplyError(ex, InternalError("unexpected exception"));
      }
    });
  }

  // POST /records (our JSON) and POST /fhir/$record-information (a Parameters resource): 202 with
  // the record's state when it is newly committed, 200 when the same record was already stored.
  void OnRecord(const std::shared_ptr<Exchange>& ex, const std::string& body, bool operation) {
    Result<JsonValue> json = fhir::ParseJson(body);
    if (!json.ok()) return ReplyError(ex, InvalidArgumentError("(body): malformed JSON at " + json.status().message()));
    Result<RecordReceipt> receipt = operation ? rt_.records->RecordParameters(*json) : rt_.records->Record(*json);
    if (!receipt.ok()) return ReplyError(ex, receipt.status());
    const int status = receipt->created ? 202 : 200;
    const std::string location = rt_.config.BaseUrl() + "/records/" + receipt->id;
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
    Reply(ex, status, fhir::WriteJson(parameters), "application/fhir+json; charset=utf-8", location);
  }

  // Outbox counts for /health: numbers only (the reasons may quote the EHR).
  JsonValue RecordsHealth() {
    JsonValue records = JsonValue::Object();
    records.Set("writeBack", JsonValue::Bool(rt_.delivery != nullptr));
    Result<OutboxCounts> counts = rt_.outbox->Counts();
    if (!counts.ok()) {
      records.Set("error", "store unreadable");
      return records;
    }
    records.Set("pending", JsonValue::Int(counts->pending));
    records.Set("delivered", JsonValue::Int(counts->delivered));
    records.Set("parked", JsonValue::Int(counts->parked));
    records.Set("oldestPendingSeconds", JsonValue::Int(counts->OldestPendingSeconds(NowMillis())));
    return records;
  }

  // Prometheus text exposition of delivery state.
  std::string Metrics() {
    std::string out;
    auto family = [&out](const char* name, const char* type, const char* help) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    };
    auto sample = [&out](const char* name, int64_t value, const char* labels = "") {
      out += std::string(name) + labels + " " + std::to_string(value) + "\n";
    };
    if (Result<OutboxCounts> counts = rt_.outbox->Counts(); counts.ok()) {
      family("selvhjelp_outbox_records", "gauge", "Records in the outbox by delivery state.");
      sample("selvhjelp_outbox_records", counts->pending, "{state=\"pending\"}");
      sample("selvhjelp_outbox_records", counts->delivered, "{state=\"delivered\"}");
      sample("selvhjelp_outbox_records", counts->parked, "{state=\"parked\"}");
      family("selvhjelp_outbox_oldest_pending_seconds", "gauge", "Age of the oldest undelivered record.");
      sample("selvhjelp_outbox_oldest_pending_seconds", counts->OldestPendingSeconds(NowMillis()));
    }
    const DeliveryStats stats = rt_.delivery ? rt_.delivery->stats() : DeliveryStats{};
    const struct {
      const char* name;
      const char* help;
      int64_t value;
    } counters[] = {
        {"selvhjelp_delivery_attempts_total", "Delivery attempts since start.", stats.attempts},
        {"selvhjelp_delivery_delivered_total", "Records delivered since start.", stats.delivered},
        {"selvhjelp_delivery_retries_total", "Failed attempts that will be retried.", stats.retried},
        {"selvhjelp_delivery_parked_total", "Records parked since start.", stats.parked},
        {"selvhjelp_token_requests_total", "Token endpoint calls since start.", stats.token_requests},
        {"selvhjelp_card_write_failures_total", "Background card writes that failed.", rt_.ledger->card_write_failures()},
    };
    for (const auto& c : counters) {
      family(c.name, "counter", c.help);
      sample(c.name, c.value);
    }
    return out;
  }

  void OnBody(const std::shared_ptr<Exchange>& ex, const HookService& service, bool feedback,
              const std::string& body) {
    Result<JsonValue> json = fhir::ParseJson(body);
    if (!json.ok()) return ReplyError(ex, InvalidArgumentError("(body): malformed JSON at " + json.status().message()));
    if (feedback) {
      Status stored = rt_.service->HandleFeedback(*json);
      if (!stored.ok()) return ReplyError(ex, stored);
      Reply(ex, 200, "{}");
      return;
    }
    auto header = ex->request.headers().find(U("Accept-Language"));
    std::string accept_language =
        header == ex->request.headers().end() ? "" : utility::conversions::to_utf8string(header->second);
    rt_.service->Handle(service, std::move(json).value(), accept_language, [this, ex](Result<std::string> result) {
      try {
        if (!result.ok()) return ReplyError(ex, result.status());
        Reply(ex, 200, *result);
      } catch (const std::exception&) {
        ReplyError(ex, InternalError("unexpected exception"));
      }
    });
  }

  Runtime& rt_;
  std::string url_;
  std::unique_ptr<http::experimental::listener::http_listener> listener_;
  std::atomic<uint64_t> counter_{0};
  std::mutex audit_mutex_;  // guards audit_running_ and audit_thread_
  bool audit_running_ = false;
  std::thread audit_thread_;
};

}  // namespace

void SizeThreadPool(int threads) {
  crossplat::threadpool::initialize_with_threads(static_cast<size_t>(threads));
}

Result<std::unique_ptr<HttpServer>> StartHttpServer(Runtime& runtime) {
  auto server = std::make_unique<CpprestServer>(runtime, runtime.config.BaseUrl());
  Status started = server->Start();
  if (!started.ok()) return started;
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace selvhjelp::plugin
