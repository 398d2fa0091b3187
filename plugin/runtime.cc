#include "plugin/runtime.h"

#include "plugin/store/store_factory.h"
#include "plugin/auth/authorized_send.h"

#include <chrono>

#include "fhir/json/json_file.h"
#include "plugin/handout/handout.h"
#include "plugin/log.h"
#include "plugin/records/capability_check.h"

namespace selvhjelp::plugin {
namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Runtime::~Runtime() {
  RequestStop();
  StopWorkers();
}

void Runtime::StartWorkers() {
  if (directory) directory->Start();
  if (delivery) delivery->Start();
  if (write_send && write_back) {
    capability_probe = std::jthread([this] {
      if (std::string note = CheckWriteBackCapability(write_send, config.records.fhir_server, *write_back); !note.empty()) {
        Log(LogLevel::kWarning, "records.capability", note);
      }
    });
  }
}

void Runtime::RequestStop() { stopping.request_stop(); }

void Runtime::StopWorkers() {
  if (capability_probe.joinable()) capability_probe.join();  // its call ends at RequestStop
  if (delivery) delivery->Stop();
  if (directory) directory->Stop();
}

Result<std::unique_ptr<AccessTokenSource>> MakeTokenSource(const config::ClientAuthConfig& auth, const std::string& server,
                                                           const HttpSend& send, const std::string& field) {
  if (auth.type == "bearer") return MakeStaticTokenSource(auth.bearer_token);
  if (auth.type != "smart-backend-services") return MakeStaticTokenSource("");
  if (!send) return InvalidArgumentError(field + ": no HTTP client to reach the token endpoint");
  auto key = LoadPrivateKeyPem(auth.private_key_file, auth.key_id);
  if (!key.ok()) return InvalidArgumentError(field + ".privateKeyFile: " + key.status().message());
  // The DPoP proof key: new for each process (and client), never stored.
  auto prover = DpopProver::Create(auth.dpop_algorithm == "ES384" ? "P-384" : "P-256", NowSeconds);
  if (!prover.ok()) return InternalError(field + ": " + prover.status().message());
  return MakeBackendServicesTokenSource(
      BackendServicesSettings{server, auth.token_endpoint, auth.client_id, std::move(key).value(), auth.scope,
                              auth.assertion_audience, auth.token_parameters, std::move(prover).value(), auth.dpop},
      send, NowSeconds);
}

namespace {

// What calls to `server` need on top of the caller's request: `auth`'s headers, DPoP for `tokens`.
OutboundRoute RouteFor(const std::string& server, const AccessTokenSource* tokens, const config::ClientAuthConfig& auth) {
  return OutboundRoute{server, tokens, auth.headers};
}

// The keys of auth.accessTokens' jwksFile (none when not configured or without a file).
Result<std::vector<std::shared_ptr<JwsKey>>> LoadAccessTokenKeys(const config::AccessTokenConfig& c) {
  if (c.issuer.empty() || c.jwks_file.empty()) return std::vector<std::shared_ptr<JwsKey>>();
  Result<fhir::JsonValue> jwks = fhir::ReadJsonFile(c.jwks_file);
  Result<std::vector<std::shared_ptr<JwsKey>>> parsed =
      jwks.ok() ? ParseJwks(*jwks) : Result<std::vector<std::shared_ptr<JwsKey>>>(jwks.status());
  if (!parsed.ok()) return InvalidArgumentError(c.jwks_file.string() + ": " + parsed.status().message());
  return parsed;
}

// The verifier of auth.accessTokens (null when not configured) over `keys`; its DPoP proofs' jtis
// are kept in `proof_jtis`.
std::unique_ptr<AccessTokenVerifier> MakeAccessTokenVerifier(const config::AccessTokenConfig& c,
                                                             std::vector<std::shared_ptr<JwsKey>> keys,
                                                             std::shared_ptr<JtiStore> proof_jtis) {
  if (c.issuer.empty()) return nullptr;
  return std::make_unique<AccessTokenVerifier>(
      AccessTokenRules{c.issuer, c.audience, c.algorithms, c.leeway_seconds, c.jwks_uri}, std::move(keys), NowSeconds,
      std::move(proof_jtis));
}

}  // namespace

namespace {

Result<std::vector<IssuerKeys>> LoadIssuerKeys(const config::ServiceConfig& cfg) {
  std::vector<IssuerKeys> out;
  std::string problems;
  for (const config::TrustedIssuer& issuer : cfg.issuers) {
    IssuerKeys keys;
    keys.iss = issuer.iss;
    for (const std::string& url : issuer.allowed_jku) keys.jku_keys[url] = {};  // fetched later
    if (!issuer.jwks_file.empty()) {
      Result<fhir::JsonValue> jwks = fhir::ReadJsonFile(issuer.jwks_file);
      Result<std::vector<std::shared_ptr<JwsKey>>> parsed =
          jwks.ok() ? ParseJwks(*jwks) : Result<std::vector<std::shared_ptr<JwsKey>>>(jwks.status());
      if (!parsed.ok()) {
        problems += (problems.empty() ? "" : "\n") + issuer.jwks_file.string() + ": " + parsed.status().message();
        continue;
      }
      keys.keys = std::move(parsed).value();
    }
    out.push_back(std::move(keys));
  }
  if (!problems.empty()) return InvalidArgumentError(problems);
  return out;
}

}  // namespace

Result<std::unique_ptr<Runtime>> LoadRuntime(const std::filesystem::path& config_path,
                                             int port_override, bool open_store,
                                             const HttpSendFactory& make_http_send) {
  auto rt = std::make_unique<Runtime>();
  fhir::DataProblems problems(config_path);
  // Config problems are collected, not fatal: the files it names are checked too, so an operator
  // sees every problem in one run.
  Status readable = config::ReadConfig(config_path, rt->config, problems);
  if (!readable.ok()) return readable;
  if (port_override > 0) rt->config.port = port_override;

  const bool have_mappings = !rt->config.mappings_dir.empty();
  std::vector<std::filesystem::path> diagnosis_files = {rt->config.mappings_dir / "substance-use-diagnoses.json"};
  for (const auto& f : rt->config.extra_diagnosis_files) diagnosis_files.push_back(f);
  Result<mappings::DiagnosisTable> diagnoses = InvalidArgumentError("mappings.directory not set");
  Result<mappings::Geography> geography = InvalidArgumentError("mappings.directory not set");
  Result<mappings::TextCatalog> texts = InvalidArgumentError("mappings.directory not set");
  Result<mappings::TextCatalog> handout_texts = InvalidArgumentError("mappings.directory not set");
  Result<mappings::CategoryMap> meeting_types = InvalidArgumentError("mappings.directory not set");
  Result<mappings::CategoryMap> hsds_taxonomy = InvalidArgumentError("mappings.directory not set");
  Result<mappings::CategoryMap> fhir_categories = InvalidArgumentError("mappings.directory not set");
  Result<mappings::RecordCodes> record_codes = InvalidArgumentError("mappings.directory not set");
  if (have_mappings) {
    diagnoses = mappings::DiagnosisTable::Load(diagnosis_files, rt->config.lifted_exclusions);
    problems.Merge(diagnoses.status());
    geography = mappings::Geography::Load(rt->config.mappings_dir / "geography.json");
    problems.Merge(geography.status());
    if (geography.ok() && !rt->config.postal_register.empty()) {
      problems.Merge(geography->LoadPostalRegister(rt->config.postal_register));
    }
    texts = mappings::TextCatalog::Load(rt->config.mappings_dir / "texts.json");
    problems.Merge(texts.status());
    handout_texts = LoadHandoutTexts(rt->config.mappings_dir / "handout");
    problems.Merge(handout_texts.status());
    meeting_types = mappings::CategoryMap::Load(rt->config.mappings_dir / "meeting-guide-types.json");
    problems.Merge(meeting_types.status());
    hsds_taxonomy = mappings::CategoryMap::Load(rt->config.mappings_dir / "hsds-taxonomy.json");
    problems.Merge(hsds_taxonomy.status());
    fhir_categories = mappings::CategoryMap::Load(rt->config.mappings_dir / "fhir-categories.json");
    problems.Merge(fhir_categories.status());
    record_codes = mappings::RecordCodes::Load(rt->config.mappings_dir / "record-codes.json");
    problems.Merge(record_codes.status());
  }
  rt->fhir_client = fhir::MakeRestFhirClient();
  const std::stop_token stop = rt->stopping.get_token();
  const HttpSend source_send =
      make_http_send ? make_http_send(rt->config.ca_file, std::chrono::seconds(30), stop) : HttpSend();
  const HttpSend write_send = make_http_send && !rt->config.records.fhir_server.empty()
      ? make_http_send(rt->config.ca_file, std::chrono::milliseconds(rt->config.records.timeout_ms), stop) : HttpSend();
  auto write_tokens = MakeTokenSource(rt->config.records.auth, rt->config.records.fhir_server, write_send, "records.auth");
  // The capability probe's sender: the gateway's headers (records.auth.headers) go along, as with
  // delivery; no token (a FHIR server serves /metadata openly).
  rt->write_send = write_send ? MakeAuthorizedSend(write_send, {RouteFor(rt->config.records.fhir_server, nullptr,
                                                                          rt->config.records.auth)})
                              : HttpSend();
  problems.Merge(write_tokens.status());
  if (make_http_send && !rt->config.audit.fhir_server.empty()) {
    const HttpSend audit_send = make_http_send(rt->config.ca_file, std::chrono::seconds(60), stop);
    auto audit_tokens = MakeTokenSource(rt->config.audit.auth, rt->config.audit.fhir_server, audit_send, "audit.auth");
    if (audit_tokens.ok()) rt->audit_tokens = std::move(audit_tokens).value();
    problems.Merge(audit_tokens.status());
    rt->audit_send = MakeAuthorizedSend(audit_send, {RouteFor(rt->config.audit.fhir_server, rt->audit_tokens.get(), rt->config.audit.auth)});
  }
  for (size_t i = 0; i < rt->config.group_sources.size(); ++i) {
    const config::GroupSourceConfig& source = rt->config.group_sources[i];
    auto tokens = MakeTokenSource(source.auth, source.url, source_send,
                                  "groups.sources[" + std::to_string(i) + "].auth");
    if (tokens.ok()) rt->source_tokens[source.name] = std::move(tokens).value();
    problems.Merge(tokens.status());
  }
  // Sources over http(s) get their extra headers and DPoP through the reads' sender.
  std::vector<OutboundRoute> source_routes;
  for (const config::GroupSourceConfig& source : rt->config.group_sources) {
    auto it = rt->source_tokens.find(source.name);
    if (!source.url.empty()) source_routes.push_back(RouteFor(source.url, it == rt->source_tokens.end() ? nullptr : it->second.get(), source.auth));
  }
  const HttpSend source_reads = source_send ? MakeAuthorizedSend(source_send, std::move(source_routes)) : HttpSend();
  // The map lives in the runtime, as long as every directory that reads through this.
  auto token_for = [tokens = &rt->source_tokens](const std::string& name) -> Result<std::string> {
    auto it = tokens->find(name);
    if (it == tokens->end()) return std::string();
    return it->second->Token();
  };
  const SourceReaders readers{rt->fhir_client.get(), geography.ok() ? &*geography : nullptr,
                              meeting_types.ok() ? &*meeting_types : nullptr,
                              hsds_taxonomy.ok() ? &*hsds_taxonomy : nullptr,
                              fhir_categories.ok() ? &*fhir_categories : nullptr, source_reads, token_for, stop};
  if (!open_store) {
    LiveDirectory check(rt->config.group_sources, readers, nullptr, NowSeconds);
    if (std::string failed = check.LoadAll(); !failed.empty()) problems.Merge(InvalidArgumentError(failed));
  }
  auto issuer_keys = LoadIssuerKeys(rt->config);
  problems.Merge(issuer_keys.status());
  auto access_token_keys = LoadAccessTokenKeys(rt->config.access_tokens);
  problems.Merge(access_token_keys.status());
  if (!problems.empty()) return problems.ToStatus();

  rt->diagnoses = std::make_unique<mappings::DiagnosisTable>(std::move(diagnoses).value());
  rt->geography = std::make_unique<mappings::Geography>(std::move(geography).value());
  rt->texts = std::make_unique<mappings::TextCatalog>(std::move(texts).value());
  rt->handout_texts = std::make_unique<mappings::TextCatalog>(std::move(handout_texts).value());
  rt->meeting_types = std::make_unique<mappings::CategoryMap>(std::move(meeting_types).value());
  rt->hsds_taxonomy = std::make_unique<mappings::CategoryMap>(std::move(hsds_taxonomy).value());
  rt->fhir_categories = std::make_unique<mappings::CategoryMap>(std::move(fhir_categories).value());
  rt->record_codes = std::make_unique<mappings::RecordCodes>(std::move(record_codes).value());
  auto write_back = MakeWriteBackMode(rt->config.records, rt->record_codes.get(), rt->handout_texts.get());
  if (!write_back.ok()) return write_back.status();
  rt->write_back = std::move(write_back).value();
  const SourceReaders live_readers{rt->fhir_client.get(), rt->geography.get(), rt->meeting_types.get(),
                                   rt->hsds_taxonomy.get(), rt->fhir_categories.get(), source_reads, token_for, stop};
  if (!open_store) {
    rt->verifier = std::make_unique<JwtVerifier>(std::move(issuer_keys).value(), rt->config.algorithms,
                                                 rt->config.clock_skew_seconds, NowSeconds, MakeMemoryJtiStore(),
                                                 rt->config.max_token_lifetime_seconds);
    // The command line reads the directory: load it (already checked above).
    rt->directory = std::make_unique<LiveDirectory>(rt->config.group_sources, live_readers, nullptr, NowSeconds);
    (void)rt->directory->LoadAll();
    return rt;
  }
  // SQLite at store.path or PostgreSQL at store.url (plugin/store/store_factory.h).
  auto store = OpenStore(rt->config);
  if (!store.ok()) return store.status();
  rt->ledger = std::move(store->ledger);
  rt->outbox = std::move(store->outbox);
  rt->app_sessions = std::move(store->app_sessions);
  // Used tokens and DPoP proofs are kept in the store, so one used before a restart, or with
  // another instance over the same store, is refused.
  const std::shared_ptr<JtiStore> shared_jtis = std::move(store->used_jtis);
  rt->verifier = std::make_unique<JwtVerifier>(std::move(issuer_keys).value(), rt->config.algorithms,
                                               rt->config.clock_skew_seconds, NowSeconds, shared_jtis,
                                               rt->config.max_token_lifetime_seconds);
  rt->access_tokens = MakeAccessTokenVerifier(rt->config.access_tokens, std::move(access_token_keys).value(), shared_jtis);
  rt->directory = std::make_unique<LiveDirectory>(rt->config.group_sources, live_readers,
                                                  rt->ledger.get(), NowSeconds,
                                                  StalePolicy{rt->config.group_stale_after_seconds, rt->config.hide_stale_groups});
  if (!rt->config.records.fhir_server.empty()) {
    rt->write_tokens = std::move(write_tokens).value();
    const config::RecordsConfig& rc = rt->config.records;
    rt->delivery = std::make_unique<RecordDelivery>(
        *rt->outbox, DeliverySettings{rc.fhir_server, rc.delivery_workers, rc.retry_initial_ms, rc.retry_max_ms,
                                      DeliverySettings{}.poll_ms, rc.park_unrecognised_after},
        MakeAuthorizedSend(write_send, {RouteFor(rc.fhir_server, rt->write_tokens.get(), rc.auth)}),
        *rt->write_tokens, NowMillis, stop);
  }
  rt->records = std::make_unique<RecordService>(RecordServiceDeps{
      &rt->config, rt->write_back.get(), rt->directory.get(), rt->ledger.get(), rt->outbox.get(),
      rt->delivery.get(), NowMillis});
  rt->service = std::make_unique<SelfHelpService>(ServiceDeps{
      &rt->config, rt->diagnoses.get(), rt->geography.get(), rt->texts.get(), rt->directory.get(),
      rt->ledger.get(), rt->outbox.get(), rt->fhir_client.get(), NowSeconds});
  return rt;
}

}  // namespace selvhjelp::plugin
