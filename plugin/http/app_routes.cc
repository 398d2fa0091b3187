#include "plugin/http/app_routes.h"

#include <openssl/rand.h>
#include <pplx/pplxtasks.h>

#include <chrono>

#include "fhir/json/json_file.h"
#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"
#include "fhir/r4/date_time.h"
#include "plugin/app/app_decision.h"
#include "plugin/app/app_sessions.h"
#include "plugin/app/app_view.h"
#include "plugin/app/smart_launch.h"
#include "plugin/groups/healthcare_service.h"
#include "plugin/groups/meeting_words.h"
#include "plugin/handout/handout.h"
#include "plugin/http/error_response.h"
#include "plugin/http/public_base.h"
#include "plugin/http/http_getter.h"
#include "plugin/log.h"

namespace selvhjelp::plugin {
namespace {

using Exchange = std::shared_ptr<HttpExchange>;
using fhir::JsonValue;

constexpr const char* kJson = "application/json; charset=utf-8";

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) std::abort();  // no entropy: never go on
  return bytes;
}

// Every answer of the app's routes carries the session's data: never cached.
void Reply(const Exchange& ex, int status, std::string body, const char* content_type = kJson,
           std::vector<HttpHeader> headers = {}) {
  headers.push_back({"Cache-Control", "no-store"});
  ReplyWith(*ex, status, std::move(body), content_type, std::move(headers));
}

void ReplyError(const Exchange& ex, const Status& status) { ReplyWithError(*ex, status, {{"Cache-Control", "no-store"}}); }

// The page's own files: a fixed list, so no request can name another file.
const std::map<std::string, const char*>& StaticFiles() {
  static const std::map<std::string, const char*> files = {
      {"index.html", "text/html; charset=utf-8"}, {"app.css", "text/css; charset=utf-8"},
      {"app.js", "text/javascript; charset=utf-8"}, {"api.js", "text/javascript; charset=utf-8"},
      {"dom.js", "text/javascript; charset=utf-8"}, {"groups.js", "text/javascript; charset=utf-8"},
      {"guide.js", "text/javascript; charset=utf-8"}, {"handout.js", "text/javascript; charset=utf-8"},
      {"i18n.js", "text/javascript; charset=utf-8"}, {"record.js", "text/javascript; charset=utf-8"},
      {"i18n/nb.json", kJson}, {"i18n/nn.json", kJson}, {"i18n/en.json", kJson}};
  return files;
}

class AppRoutesImpl : public AppRoutes {
 public:
  explicit AppRoutesImpl(Runtime& rt)
      : rt_(rt),
        launch_(Settings(rt.config), MakeHttpSender(rt.config.ca_file, std::chrono::milliseconds(rt.config.fhir_timeout_ms * 2)),
                NowSeconds, RandomBytes),
        sessions_(AppSessionSettings{int64_t{rt.config.app.session_idle_minutes} * 60, int64_t{rt.config.app.session_max_hours} * 3600},
                  *rt.app_sessions, NowSeconds, RandomBytes) {}

  void AddTo(Router& router) override {
    router.Add("GET", "/app/launch", [this](const Exchange& ex, const auto&) { Launch(ex); });
    router.Add("GET", "/app/callback", [this](const Exchange& ex, const auto&) { Callback(ex); });
    router.Add("GET", "/app/", [this](const Exchange& ex, const auto&) { File(ex, "index.html"); });
    router.Add("GET", "/app/{file}", [this](const Exchange& ex, const auto& c) { File(ex, c[0]); });
    router.Add("GET", "/app/i18n/{file}", [this](const Exchange& ex, const auto& c) { File(ex, "i18n/" + c[0]); });
    router.Add("GET", "/app/api/context", [this](const Exchange& ex, const auto&) { Context(ex); });
    router.Add("POST", "/app/api/records", [this](const Exchange& ex, const auto&) { PostRecord(ex); });
    router.Add("GET", "/app/api/records/{id}", [this](const Exchange& ex, const auto& c) { GetRecord(ex, c[0]); });
    router.Add("GET", "/app/api/handout", [this](const Exchange& ex, const auto&) { HandoutRoute(ex); });
    router.Add("DELETE", "/app/api/session", [this](const Exchange& ex, const auto&) { EndSession(ex); });
  }

 private:
  static SmartAppSettings Settings(const config::ServiceConfig& c) {
    SmartAppSettings s;
    s.client_id = c.app.client_id;
    s.redirect_uri = c.app.redirect_uri.empty() ? c.BaseUrl() + "/app/callback" : c.app.redirect_uri;
    s.scope = c.app.scope;
    s.allowed_issuers = c.app.allowed_issuers;
    s.hpr_claim = c.app.hpr_claim;
    s.unit_claim = c.app.unit_claim;
    s.role_claim = c.app.role_claim;
    return s;
  }

  bool Secure() const { return rt_.config.ServedOverHttps(); }

  // The strict policy of every page we serve: our own files only; framed only by the EHRs.
  std::vector<HttpHeader> PageHeaders() const {
    std::string ancestors;
    for (const std::string& iss : rt_.config.app.allowed_issuers) {
      const size_t scheme = iss.find("://");
      const size_t path = scheme == std::string::npos ? std::string::npos : iss.find('/', scheme + 3);
      ancestors += " " + iss.substr(0, path);
    }
    return {{"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                                        "frame-ancestors 'self'" + ancestors},
            {"X-Content-Type-Options", "nosniff"},
            {"Referrer-Policy", "no-referrer"}};
  }

  void Launch(const Exchange& ex) {
    const auto& query = ex->request().query;
    auto iss = query.find("iss");
    if (iss == query.end() || iss->second.empty()) return ReplyError(ex, RequiredFieldError("iss"));
    const std::string launch = query.count("launch") ? query.at("launch") : "";
    pplx::create_task([this, ex, iss = iss->second, launch] {
      Result<std::string> url = launch_.Begin(iss, launch);
      if (!url.ok()) {
        Log(LogLevel::kWarning, "app.launch_refused", "request " + ex->id() + " launch refused: " + url.status().message(),
            ex->trace().trace_id);
        return ReplyError(ex, url.status());
      }
      Reply(ex, 302, "", kJson, {{"Location", *url}});
    });
  }

  void Callback(const Exchange& ex) {
    const auto& query = ex->request().query;
    const std::string state = query.count("state") ? query.at("state") : "";
    const std::string code = query.count("code") ? query.at("code") : "";
    pplx::create_task([this, ex, state, code] {
      Result<LaunchContext> context = launch_.Complete(state, code);
      if (!context.ok()) return LaunchNotCompleted(ex, context.status());
      const int64_t max_age = std::max<int64_t>(0, context->expires_at - NowSeconds());
      Result<std::shared_ptr<const AppSession>> session = sessions_.Create(std::move(context).value());
      if (!session.ok()) return LaunchNotCompleted(ex, session.status());  // the store: 503
      Reply(ex, 302, "", kJson, {{"Location", "/app/"}, {"Set-Cookie", SessionCookie((*session)->id, Secure(), max_age)}});
    });
  }

  // The short page of a launch that did not end in a session: 503 when the EHR or the store could
  // not be reached, else 401.
  void LaunchNotCompleted(const Exchange& ex, const Status& why) {
    Log(LogLevel::kWarning, "app.launch_incomplete", "request " + ex->id() + " launch not completed: " + why.message(),
        ex->trace().trace_id);
    Reply(ex, why.code() == StatusCode::kUnavailable ? 503 : 401,
          "<!doctype html><html lang=\"nb\"><meta charset=\"utf-8\"><title>selvhjelp</title>"
          "<p>Innloggingen ble ikke fullført. Start appen på nytt fra journalen.</p>"
          "<p lang=\"en\">The sign-in was not completed. Launch the app again from the record system.</p></html>",
          "text/html; charset=utf-8", PageHeaders());
  }

  // DELETE /app/api/session (X-CSRF-Token): ends the session on every instance, clears the cookie.
  void EndSession(const Exchange& ex) {
    std::shared_ptr<const AppSession> session = SessionOf(ex, true);
    if (!session) return;
    if (Status ended = sessions_.End(session->id); !ended.ok()) return ReplyError(ex, ended);
    Reply(ex, 204, "", kJson, {{"Set-Cookie", SessionCookie("", Secure(), 0)}});
  }

  void File(const Exchange& ex, const std::string& name) {
    auto it = StaticFiles().find(name);
    if (it == StaticFiles().end()) return ReplyError(ex, NotFoundError("no such file"));
    Result<std::string> text = fhir::ReadTextFile(rt_.config.app.web_directory / name);
    if (!text.ok()) return ReplyError(ex, UnavailableError("app: " + name + " is not installed (app.webDirectory)"));
    Reply(ex, 200, std::move(text).value(), it->second, PageHeaders());
  }

  // The session of this request, or an error already answered: 401 without a live session, 403
  // for a change without its CSRF token, 503 when the session store cannot be reached.
  std::shared_ptr<const AppSession> SessionOf(const Exchange& ex, bool for_change) {
    const std::string id = SessionIdFromCookies(ex->request().Header("Cookie"));
    Result<std::shared_ptr<const AppSession>> session =
        for_change ? sessions_.FindForChange(id, ex->request().Header("X-CSRF-Token")) : sessions_.Find(id);
    if (!session.ok()) {
      ReplyError(ex, session.status());
      return nullptr;
    }
    return *session;
  }

  DecisionDeps Deps() const {
    return DecisionDeps{&rt_.config, rt_.diagnoses.get(), rt_.geography.get(), rt_.texts.get(), rt_.directory.get(),
                        rt_.ledger.get(), rt_.outbox.get(), NowSeconds};
  }

  void Context(const Exchange& ex) {
    std::shared_ptr<const AppSession> session = SessionOf(ex, false);
    if (!session) return;
    fhir::FhirReadOptions options;
    options.timeout = std::chrono::milliseconds(rt_.config.fhir_timeout_ms);
    options.headers = {{"traceparent", ex->trace().Traceparent()}};  // the EHR's logs can find this request
    DecideForApp(session->context, Deps(), *rt_.fhir_client, options, std::string(ex->request().Header("Accept-Language")),
                 [this, ex, session](Result<AppDecision> decision) {
                   if (!decision.ok()) return ReplyError(ex, decision.status());
                   const mappings::TextCatalog& texts = *rt_.texts;
                   auto when = [&texts](const Group& g, const std::string& language) {
                     std::string words;
                     for (const Meeting& m : g.meetings) words += (words.empty() ? "" : "; ") + MeetingWords(m, language, texts);
                     return words;
                   };
                   const SourceConfirmations& confirmations = rt_.directory->Confirmations();
                   auto stale = [&confirmations](const Group& g) { return confirmations.Of(g.source).stale; };
                   JsonValue context = ContextJson(*session, *decision, when, stale);
                   // The page words its promise by it: with "none" nothing reaches the journal.
                   context.Set("writeBack", rt_.config.records.write_back);
                   Reply(ex, 200, fhir::WriteJson(context));
                 });
  }

  void PostRecord(const Exchange& ex) {
    std::shared_ptr<const AppSession> session = SessionOf(ex, true);
    if (!session) return;
    if (!rt_.records) return ReplyError(ex, UnavailableError("records: the store is not open"));
    ex->ReadBody([this, ex, session] {
      Result<JsonValue> body = fhir::ParseJson(ex->request().body);
      if (!body.ok()) return ReplyError(ex, InvalidArgumentError("(body): malformed JSON at " + body.status().message()));
      Result<JsonValue> record = RecordFromPage(*session, *body, fhir::IsoInstant(NowSeconds()));
      if (!record.ok()) return ReplyError(ex, record.status());
      Result<RecordReceipt> receipt = rt_.records->Record(*record, ex->trace());
      if (!receipt.ok()) return ReplyError(ex, receipt.status());
      Reply(ex, receipt->created ? 202 : 200, fhir::WriteJson(ReceiptJson(receipt->entry)), kJson,
            {{"Location", RequestBaseUrl(rt_.config, ex->request()) + "/app/api/records/" + receipt->id}});
    });
  }

  // A record's delivery state, for records about the session's patient only: any other id is
  // not found, whether it exists or not.
  void GetRecord(const Exchange& ex, const std::string& id) {
    std::shared_ptr<const AppSession> session = SessionOf(ex, false);
    if (!session) return;
    if (!rt_.records) return ReplyError(ex, UnavailableError("records: the store is not open"));
    Result<OutboxEntry> state = rt_.records->State(id);
    if (!state.ok() && state.status().code() != StatusCode::kNotFound) return ReplyError(ex, state.status());
    const std::string patient_key = rt_.ledger->SubjectKey(rt_.config.records.fhir_server, session->context.patient);
    if (!state.ok() || state->subject_key != patient_key) return ReplyError(ex, NotFoundError("no record " + id + " for this patient"));
    Reply(ex, 200, fhir::WriteJson(ReceiptJson(*state)));
  }

  // GET /app/api/handout?recipient=patient|relatives&groups=a,b&lang=nb&format=pdf|html[&printName=1]:
  // the handout for the groups the clinician chose. The patient's name is read from the EHR with
  // the user's token, and printed, only with printName=1.
  void HandoutRoute(const Exchange& ex) {
    std::shared_ptr<const AppSession> session = SessionOf(ex, false);
    if (!session) return;
    const auto& query = ex->request().query;
    auto param = [&query](const char* name) { return query.count(name) ? query.at(name) : std::string(); };
    auto handout = std::make_shared<Handout>();
    handout->texts = rt_.handout_texts.get();
    handout->language = param("lang").empty() ? "nb" : param("lang");
    if (!handout->texts || !handout->texts->HasLanguage(handout->language)) {
      return ReplyError(ex, FieldError("lang", "no handout in this language"));
    }
    const std::string recipient = param("recipient");
    if (recipient != "patient" && recipient != "relatives") {
      return ReplyError(ex, FieldError("recipient", "expected patient or relatives"));
    }
    handout->audience = recipient == "patient" ? HandoutAudience::kPatient : HandoutAudience::kRelatives;
    const std::string format = param("format").empty() ? "pdf" : param("format");
    if (format != "pdf" && format != "html") return ReplyError(ex, FieldError("format", "expected pdf or html"));
    const std::shared_ptr<const GroupDirectory> directory = rt_.directory->Current();
    std::string ids = param("groups");
    constexpr size_t kMaxGroups = 20;
    for (size_t start = 0; start < ids.size();) {
      const size_t comma = std::min(ids.find(',', start), ids.size());
      const std::string id = ids.substr(start, comma - start);
      start = comma + 1;
      if (id.empty()) continue;
      if (handout->groups.size() == kMaxGroups) return ReplyError(ex, FieldError("groups", "at most 20"));
      const Group* found = directory->Find(id);
      if (!found) return ReplyError(ex, FieldError("groups", "no group " + id + " in the directory"));
      handout->groups.push_back(*found);
    }
    handout->date = fhir::NorwayDateTime(NowSeconds()).substr(0, 10);  // the day the patient is given it
    auto render = [ex, handout, format] {
      if (format == "html") return Reply(ex, 200, RenderHandoutHtml(*handout), "text/html; charset=utf-8");
      Result<std::string> pdf = RenderHandoutPdf(*handout);
      if (!pdf.ok()) return ReplyError(ex, pdf.status());
      Reply(ex, 200, std::move(pdf).value(), "application/pdf",
            {{"Content-Disposition", "inline; filename=\"selvhjelp-handout.pdf\""}});
    };
    if (param("printName") != "1" || handout->audience != HandoutAudience::kPatient) {
      return (void)pplx::create_task(render);  // cairo's work stays off the listener's threads
    }
    fhir::FhirReadOptions options;
    options.timeout = std::chrono::milliseconds(rt_.config.fhir_timeout_ms);
    options.headers = {{"traceparent", ex->trace().Traceparent()}};  // the EHR's logs can find this request
    options.bearer_token = session->context.access_token;
    rt_.fhir_client->Read(session->context.iss, "Patient/" + session->context.patient, options,
                          [ex, handout, render](Result<JsonValue> patient) {
                            if (!patient.ok()) return ReplyError(ex, FailedPreconditionError("printName: the patient's name cannot be read"));
                            handout->print_name = PersonName(*patient);
                            render();
                          });
  }

  Runtime& rt_;
  SmartLaunch launch_;
  AppSessions sessions_;
};

}  // namespace

std::unique_ptr<AppRoutes> MakeAppRoutes(Runtime& runtime) {
  if (runtime.config.app.client_id.empty() || !runtime.app_sessions) return nullptr;
  return std::make_unique<AppRoutesImpl>(runtime);
}

}  // namespace selvhjelp::plugin
