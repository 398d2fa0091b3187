#pragma once
// ServiceConfig: everything a hospital configures, as plain data. See docs/configuration.md for
// every key with its default. Paths are resolved against the config file's folder.
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/ip_range.h"
#include "fhir/base/result.h"
#include "fhir/json/json_file.h"

namespace selvhjelp::config {

struct TrustedIssuer {
  std::string iss;                       // exact `iss` claim of the record system's JWTs
  std::filesystem::path jwks_file;       // its public keys (JWK Set), when configured out of band
  std::vector<std::string> allowed_jku;  // JWKS URLs that may be fetched when a token names them
};

// How selvhjelp authenticates to a FHIR (or other HTTP) server it calls: nothing, a fixed bearer
// token, or SMART Backend Services (client_credentials with a private_key_jwt assertion).
struct ClientAuthConfig {
  std::string type = "none";  // none | bearer | smart-backend-services
  std::string bearer_token;   // bearer
  std::string client_id;      // smart-backend-services: the registered client
  std::filesystem::path private_key_file;  // PEM, EC P-384 (ES384) or RSA (RS384)
  std::string key_id;                      // the `kid` the server knows the public key by
  std::string scope;           // default: what the caller needs (records: create+search on its types)
  std::string token_endpoint;  // empty: from <server>/.well-known/smart-configuration
  // HelseID / hospital STS profile (docs/authentication.md)
  std::string assertion_audience;  // the client assertion's aud; empty: the token endpoint
  std::vector<std::pair<std::string, std::string>> token_parameters;  // extra token request form fields
  bool dpop = false;                   // DPoP-bound tokens (RFC 9449) from the first request
  std::string dpop_algorithm = "ES256";  // the proof key's: ES256 or ES384 (a new key per process)
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers to the server (never logged)
};

// Inbound OAuth 2.0 access tokens (auth.accessTokens), besides the CDS Hooks JWT: from a
// hospital STS or HelseID, for the records, audit and app API when other systems call it. Off
// while `issuer` is empty.
struct AccessTokenConfig {
  std::string issuer;                 // exact iss
  std::string audience;               // our API name; aud must contain it
  std::filesystem::path jwks_file;    // the issuer's keys, or
  std::string jwks_uri;               // fetched over https and refreshed
  std::vector<std::string> algorithms = {"RS256", "ES256", "RS384", "ES384"};
  int leeway_seconds = 30;            // exp, nbf, iat; at most 60
  std::string records_write_scope = "selvhjelp/records.write";  // POST /records, $record-information
  std::string records_read_scope = "selvhjelp/records.read";    // GET /records/{id}
  std::string audit_read_scope = "selvhjelp/audit.read";        // $evaluate-measure (or audit.auditors)
};

// One source of self-help groups (docs/group-sources.md).
struct GroupSourceConfig {
  std::string name;  // unique; names the source in status, errors and merged groups
  std::string type;  // json | csv | meeting-guide | hsds | hsds-package | hsds-api | fhir
  std::filesystem::path path;  // a local file (json, csv, meeting-guide, hsds), or
  std::string url;             // the same over http(s); for hsds-api and fhir, the API's base URL
  ClientAuthConfig auth;       // for sources read over http(s); `bearerToken` is short for type bearer
  std::string organisation;    // for meeting-guide: the fellowship (the feed does not say)
  std::vector<std::string> themes;  // for meeting-guide
  // Every listing of this source is a national service (helplines, national digital groups):
  // shown after every local listing (docs/group-sources.md).
  bool national = false;
  // Where to report wrong information about its listings (a mailto: or http(s) URL), for those
  // whose data names none.
  std::string report_to;
  int refresh_seconds = 3600;
  // A read with more than this share fewer groups than the source last had is refused (the
  // previous content is kept and the source reported), so a source that suddenly answers an empty
  // list cannot empty the directory. 100: no guard.
  int max_shrink_percent = 50;
  // Bounds on one read of the source, so a hostile or broken source cannot hold the service:
  // pages (hsds-api: listing pages; fhir: searchset pages), items (services or resources in all)
  // and bytes (all answers together). A read that reaches one stops there and is refused (the
  // previous content is kept and /directory/status names the bound).
  int64_t max_pages = 1000;
  int64_t max_items = 100000;
  int64_t max_bytes = 256LL * 1024 * 1024;
};

// records.document: the journal document the `document` write-back writes (docs/records.md,
// docs/ehr-families.md). Each EHR has its own document type codes.
struct DocumentCoding {
  std::string system, code, display;
};
struct RecordDocumentConfig {
  DocumentCoding type;      // DocumentReference.type; required in document mode (e.g. DIPS's dips-documenttypeid)
  DocumentCoding category;  // DocumentReference.category; optional (empty code: none)
  std::string custodian;    // Organization/<id> keeping the document at the EHR; optional
  std::string language = "nb";  // the note's language (a file in mappings/handout/)
};

// Where and how records of information given are written back (docs/records.md).
struct RecordsConfig {
  std::string fhir_server;  // the EHR's FHIR base URL; empty: POST /records is refused (503)
  ClientAuthConfig auth;  // default scope: create and search on the four resource types
  bool allow_http = false;     // production requires https
  int delivery_workers = 4;    // records delivered in parallel
  int retry_initial_ms = 2000;   // first retry after about this long (with jitter)
  int retry_max_ms = 300000;     // the backoff never waits longer than this
  int timeout_ms = 15000;        // per HTTP call to the EHR
  int park_unrecognised_after = 20;  // attempts before a 2xx that is not a transaction-response parks a record
  int max_groups_per_record = 50;  // groups one record may name (POST /records answers 400 above it)
  std::string assembler_name = "selvhjelp";  // Provenance: the assembling software's display
  // Delivered records older than this are deleted from our store; 0 (the default): kept, as a
  // record of health care must be (docs/records.md, "Retention"). Pending ones are never deleted.
  int retention_days = 0;
  std::string write_back = "communication";  // communication | document | none (plugin/records/write_back.h)
  RecordDocumentConfig document;             // for write_back "document"
};

// The clinician app, a SMART on FHIR app (docs/app-api.md, docs/smart-app.md). Off when
// client_id is empty.
struct AppConfig {
  std::string client_id;                     // as registered with the EHR
  std::vector<std::string> allowed_issuers;  // EHR FHIR base URLs that may launch the app
  std::string redirect_uri;                  // empty: <public base URL>/app/callback
  std::string launch_url;                    // empty: <public base URL>/app/launch (cards' smart links)
  std::string scope = "openid fhirUser launch patient/*.read";
  std::string hpr_claim = "hpr-nummer";              // DIPS Arena's claim names
  std::string unit_claim = "dips-userroledepartment";
  std::string role_claim = "dips-userrolename";
  int session_idle_minutes = 30;
  int session_max_hours = 10;
  bool allow_http = false;  // EHRs over http (test set-ups only)
  std::filesystem::path web_directory;  // the page's files (plugin/web/app in the source tree)
};

// The compliance audit (docs/audit.md).
struct AuditUnit {
  std::string reference;  // Organization/<id> as EpisodeOfCare.managingOrganization / Encounter.serviceProvider
  std::string name;       // how reports name it
};
struct AuditConfig {
  std::vector<std::pair<std::string, std::string>> episode_types;  // (system, code) of qualifying EpisodeOfCare.type
  std::vector<AuditUnit> units;  // empty: every unit counts, named by its reference
  int transferred_out_days = 7;  // an episode transferred out within this many days is excluded
  std::string fhir_server;       // for `audit --fhir` and GET /fhir/Measure/$evaluate-measure
  int page_size = 500;           // _count of its searches
  ClientAuthConfig auth;
  bool allow_http = false;
  std::vector<std::pair<std::string, std::string>> auditors;  // (iss, sub) allowed to call $evaluate-measure
};

// The service's log (docs/observability.md): "text" lines (the default) or "json" lines, on stderr
// (the default) or stdout.
struct LoggingConfig {
  std::string format = "text";  // text | json
  std::string stream = "stderr";  // stderr | stdout
};

// store.url: PostgreSQL, the store several instances share (plugin/store/store_factory.h,
// docs/store.md). Empty url: the SQLite file at store.path.
struct PostgresStoreConfig {
  std::string url;            // postgresql://user@host:port/db?... (libpq's URI; a password belongs in a file: PGPASSFILE)
  int pool_size = 8;          // store.poolSize: connections at most, per instance
  int lease_seconds = 60;     // store.leaseSeconds: how long a claimed record is held before another instance may take it
  int timeout_seconds = 5;    // store.timeoutSeconds: connecting, waiting for a connection, each statement
  // store.sessionKey, decoded: the 32-byte AES-256-GCM key of the app's sessions in the store
  // (plugin/store/pg_app_sessions.h). Required when the app is on (app.clientId); a restart with
  // another key ends every session.
  std::string session_key;
  // An instance refuses to start when its clock is further than this from the database's (leases
  // are compared across machines); leaseSeconds must leave twice this beyond a delivery attempt.
  static constexpr int kMaxClockSkewMs = 1000;
};

struct ServiceConfig {
  std::filesystem::path file;  // the config file itself

  // service
  std::string bind_address = "127.0.0.1";
  int port = 8080;
  std::string public_base_url;  // empty: http(s)://127.0.0.1:<port>; the JWT `aud` is built from it
  int threads = 2;              // listener threads, and cpprestsdk's pool size; about the number of cores
  int max_body_bytes = 1 << 20;
  int max_header_bytes = 64 << 10;  // request line and header fields together; more: 431
  int header_timeout_ms = 10000;    // from a request's first byte (or the connection's opening) to its last header byte
  int body_timeout_ms = 30000;      // per body read and per response write
  int idle_timeout_ms = 60000;      // a kept-alive connection waiting for its next request
  int max_connections = 1024;       // past it, the oldest idle connection is closed for a new one
  std::vector<std::string> cors_allowed_origins;  // "scheme://host[:port]" of browser CDS clients
  int shutdown_grace_ms = 10000;    // on stop, in-flight requests get this long to finish
  std::filesystem::path tls_certificate;  // both set: serve https
  std::filesystem::path tls_private_key;
  // Reverse proxies (service.trustedProxies) whose X-Forwarded-Proto and X-Forwarded-Host name
  // the public base URL of a request when service.publicBaseUrl is not set; empty: none.
  std::vector<IpRange> trusted_proxies;

  // cards
  std::string language;  // "nb", "nn", "en"; empty: the clinician's language, then Accept-Language, then nb
  int informed_interval_days = 365;  // no new card when information was recorded this recently
  int declined_reoffer_days = 90;    // a decline is respected this long
  // A hook called again for the same patient, encounter and recipient within this many minutes of
  // showing its card (every chart open, in some EHRs) shows it no second time; 0: every call.
  int repeat_after_minutes = 60;
  std::string source_url = "https://www.helsedirektoratet.no/retningslinjer/behandling-og-rehabilitering-av-rusmiddelproblemer-og-avhengighet";
  int max_groups_per_section = 3;

  // data
  std::filesystem::path store_path;
  int card_retention_days = 90;  // store.cardRetentionDays: cards shown are kept this long
  PostgresStoreConfig postgres;  // store.url and its settings: the shared store instead of store.path
  std::filesystem::path mappings_dir;
  std::vector<std::filesystem::path> extra_diagnosis_files;
  std::filesystem::path postal_register;    // Posten/Bring's postal register file, optional
  std::set<std::string> lifted_exclusions;  // exclude-rule ids to drop, e.g. "tobacco"
  std::vector<GroupSourceConfig> group_sources;  // in priority order: the first wins a merge
  // A group whose source has not confirmed it (a good read) for this long is stale (0: never);
  // stale groups are shown marked as such, or hidden (groups.staleAfterSeconds, groups.staleGroups).
  int64_t group_stale_after_seconds = 3 * 24 * 3600;
  bool hide_stale_groups = false;

  RecordsConfig records;
  LoggingConfig logging;
  AuditConfig audit;
  AppConfig app;

  // the record system's FHIR server (read fallback when prefetch is missing)
  int fhir_timeout_ms = 2000;
  bool allow_http_fhir_server = false;  // production requires https (CDS Hooks 2.0)

  // inbound JWT
  bool auth_required = true;
  std::vector<TrustedIssuer> issuers;
  AccessTokenConfig access_tokens;
  std::vector<std::string> algorithms = {"ES384", "RS384"};
  int clock_skew_seconds = 60;
  // A token whose exp is further than this after its iat is refused (CDS Hooks: 5 minutes).
  int64_t max_token_lifetime_seconds = 300;
  // Extra CA certificates (PEM) trusted for outgoing https (JWKS from jku URLs), for hospitals
  // with an internal CA. The system's CAs are always trusted.
  std::filesystem::path ca_file;

  // The base URL the record system calls us at (no trailing slash).
  std::string BaseUrl() const;
  // Whether browsers reach us over https: selvhjelp terminates TLS itself (service.tls), or its
  // public base URL is https (TLS ends at a proxy in front). The app's session cookie is then
  // Secure, so a browser never sends it over plain http.
  bool ServedOverHttps() const;
  // The clinician app's launch URL (app.launchUrl, else <BaseUrl>/app/launch); empty when the app
  // is not configured (no app.clientId).
  std::string AppLaunchUrl() const;
};

// Reads and validates `path`. InvalidArgument listing every problem, one per line, as
// "file:line: field: what"; NotFound when the file cannot be read. Referenced files are not
// opened here (the loaders of mappings, groups and keys report on those).
[[nodiscard]] Result<ServiceConfig> LoadConfig(const std::filesystem::path& path);

// Reads what it can of `path` into `config`, adding every field problem to `problems`, so a
// caller can go on to check the files the config names. Returns NotFound or InvalidArgument only
// when the file cannot be read or is not JSON at all.
[[nodiscard]] Status ReadConfig(const std::filesystem::path& path, ServiceConfig& config,
                                fhir::DataProblems& problems);

}  // namespace selvhjelp::config
