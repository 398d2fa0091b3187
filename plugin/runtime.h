#pragma once
// Runtime: everything the service loads at start-up from a config (mappings, groups, keys, the
// store), checked together so an operator sees every problem at once; and the start and stop of
// its background work. The service's order (plugin/main.cc):
//   LoadRuntime -> LiveDirectory::LoadLocal (snapshots, local files) -> StartHttpServer
//   (listening) -> StartWorkers (directory reads over HTTP, deliveries)
//   ... SIGTERM ...
//   RequestStop (every outgoing call ends at once: sources, write-back, audit)
//   -> HttpServer::Stop (no new connections; requests in flight answered within
//      service.shutdownGraceMs) -> StopWorkers (directory thread, delivery workers)
//   -> the Runtime is destroyed (stores close: queued card rows are written).
#include <chrono>
#include <map>
#include <memory>
#include <stop_token>
#include <thread>

#include "config/service_config.h"
#include "fhir/client/fhir_client.h"
#include "mappings/diagnosis_table.h"
#include "mappings/geography.h"
#include "mappings/category_map.h"
#include "mappings/record_codes.h"
#include "mappings/text_catalog.h"
#include "plugin/app/session_backend.h"
#include "plugin/auth/access_token_verifier.h"
#include "plugin/auth/jwt_verifier.h"
#include "plugin/cds/self_help_service.h"
#include "plugin/groups/live_directory.h"
#include "plugin/records/record_delivery.h"
#include "plugin/records/record_service.h"
#include "plugin/records/write_back.h"
#include "plugin/store/ledger.h"
#include "plugin/store/outbox.h"

namespace selvhjelp::plugin {

struct Runtime {
  ~Runtime();  // RequestStop and StopWorkers, before any member is destroyed

  // Starts the directory (snapshots served now, sources read in the background) and the record
  // delivery workers. Call once, after the listener is up.
  void StartWorkers();
  // Cancels every outgoing HTTP call in flight and refuses new ones. Idempotent; cheap.
  void RequestStop();
  // Joins the directory's thread and the delivery workers. Idempotent.
  void StopWorkers();

  // Requested by RequestStop; every HttpSend of the runtime and the directory's reads watch it.
  std::stop_source stopping;
  config::ServiceConfig config;
  std::unique_ptr<mappings::DiagnosisTable> diagnoses;
  std::unique_ptr<mappings::Geography> geography;
  std::unique_ptr<mappings::TextCatalog> texts;
  std::unique_ptr<mappings::TextCatalog> handout_texts;  // mappings/handout/<language>.json
  std::unique_ptr<mappings::CategoryMap> meeting_types;
  std::unique_ptr<mappings::CategoryMap> hsds_taxonomy;
  std::unique_ptr<mappings::CategoryMap> fhir_categories;
  std::map<std::string, std::unique_ptr<AccessTokenSource>> source_tokens;  // per group source name
  std::unique_ptr<LiveDirectory> directory;
  std::unique_ptr<Ledger> ledger;  // only when open_store
  std::unique_ptr<fhir::FhirClient> fhir_client;
  std::unique_ptr<JwtVerifier> verifier;
  std::unique_ptr<AccessTokenVerifier> access_tokens;  // auth.accessTokens; only when open_store and configured
  std::unique_ptr<SelfHelpService> service;
  std::unique_ptr<mappings::RecordCodes> record_codes;
  std::unique_ptr<Outbox> outbox;                    // only when open_store
  std::unique_ptr<AccessTokenSource> write_tokens;  // only when open_store and records.fhirServer is set
  std::unique_ptr<RecordDelivery> delivery;         // the same; started by the caller
  std::unique_ptr<RecordService> records;           // only when open_store
  std::unique_ptr<SessionBackend> app_sessions;     // the clinician app's; only when open_store (store_factory.h)
  std::unique_ptr<WriteBackMode> write_back;        // records.writeBack (plugin/records/write_back.h)
  HttpSend write_send;                              // to records.fhirServer, when set, with records.auth.headers (no token)
  std::jthread capability_probe;  // StartWorkers: reads the EHR's CapabilityStatement once and logs what it says
  HttpSend audit_send;                              // to audit.fhirServer, when set
  std::unique_ptr<AccessTokenSource> audit_tokens;  // the same
};

// Loads the config at `config_path` and everything it names. `port_override` > 0 replaces
// service.port. InvalidArgument listing every problem ("file:line: field: what"), one per line.
// With open_store false (the command line's checks) the store is not opened and every group
// source is loaded now, its problems included in the result; with open_store true the caller
// loads the sources (LiveDirectory::LoadLocal, then StartWorkers) once cpprestsdk's thread pool
// is sized, and a failing source does not stop the service.
// `make_http_send` builds the HTTP client for sources given by url and for the write-back (it
// gets auth.caFile); it may be empty where neither is used.
// Every sender it makes must end its calls once `stop` is requested.
using HttpSendFactory = std::function<HttpSend(const std::filesystem::path& ca_file, std::chrono::milliseconds timeout,
                                               std::stop_token stop)>;
[[nodiscard]] Result<std::unique_ptr<Runtime>> LoadRuntime(const std::filesystem::path& config_path,
                                                           int port_override, bool open_store,
                                                           const HttpSendFactory& make_http_send);

// The token source `auth` (at config field `field`) describes, for calls to `server`:
// InvalidArgument naming the field when its key cannot be loaded.
[[nodiscard]] Result<std::unique_ptr<AccessTokenSource>> MakeTokenSource(const config::ClientAuthConfig& auth,
                                                                         const std::string& server, const HttpSend& send,
                                                                         const std::string& field);

}  // namespace selvhjelp::plugin
