#include "config/service_config.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "config/config_references.h"
#include "fhir/base/link.h"
#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "fhir/r4/base64_binary.h"

namespace selvhjelp::config {

using fhir::DataProblems;
using fhir::FieldPath;
using fhir::JsonValue;

std::string ServiceConfig::BaseUrl() const {
  std::string url = public_base_url;
  if (url.empty()) {
    url = (tls_certificate.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") +
          std::to_string(port);
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

bool ServiceConfig::ServedOverHttps() const { return BaseUrl().rfind("https://", 0) == 0; }

std::string ServiceConfig::AppLaunchUrl() const {
  if (app.client_id.empty()) return {};
  return app.launch_url.empty() ? BaseUrl() + "/app/launch" : app.launch_url;
}

namespace {

bool IsHttpUrl(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

// "https://host" or "http://host:port": what a browser sends as Origin.
// An origin as browsers send it (RFC 6454 serialisation): lower case, no default port, no path;
// anything else would never match the Origin header byte for byte.
bool IsOrigin(const std::string& origin) {
  if (!IsHttpUrl(origin)) return false;
  const std::string rest = origin.substr(origin.find("//") + 2);
  if (rest.empty() || rest.find_first_of("/*?#@ ") != std::string::npos) return false;
  if (std::any_of(origin.begin(), origin.end(), [](unsigned char ch) { return std::isupper(ch); })) return false;
  const bool https = origin.rfind("https://", 0) == 0;
  const std::string default_port = https ? ":443" : ":80";
  return !(rest.size() > default_port.size() && rest.ends_with(default_port));
}

std::filesystem::path Resolve(const std::filesystem::path& base, const std::string& path) {
  std::filesystem::path p(path);
  return p.is_absolute() ? p : (base / p).lexically_normal();
}

// An object of string values, e.g. extra headers or token parameters, in file order.
std::vector<std::pair<std::string, std::string>> StringPairs(const JsonValue& object, std::string_view key,
                                                             const std::string& field, DataProblems& p) {
  std::vector<std::pair<std::string, std::string>> out;
  const JsonValue* pairs = p.Object(object, key, field, false);
  if (pairs == nullptr) return out;
  for (const auto& [name, value] : pairs->members()) {
    if (!value.is_string() || name.empty()) {
      p.Add(value, FieldPath(FieldPath(field, key), name), "expected a string");
    } else {
      out.emplace_back(name, std::string(*value.AsString()));
    }
  }
  return out;
}

// The HelseID / hospital STS settings of a client (docs/authentication.md).
void ReadClientAuthProfile(const JsonValue& auth, const std::string& field, DataProblems& p, ClientAuthConfig& a) {
  a.headers = StringPairs(auth, "headers", field, p);
  if (a.type != "smart-backend-services") return;
  if (auto v = p.String(auth, "assertionAudience", field, false)) a.assertion_audience = *v;
  a.token_parameters = StringPairs(auth, "tokenParameters", field, p);
  for (const auto& [name, value] : a.token_parameters) {
    static const std::set<std::string> kOurs = {"grant_type", "scope", "client_assertion", "client_assertion_type"};
    if (kOurs.count(name)) p.Add(*auth.Find("tokenParameters"), FieldPath(FieldPath(field, "tokenParameters"), name), "set by selvhjelp itself");
  }
  if (auto v = p.Bool(auth, "dpop", field)) a.dpop = *v;
  if (auto v = p.String(auth, "dpopAlgorithm", field, false)) {
    if (*v != "ES256" && *v != "ES384") p.Add(*auth.Find("dpopAlgorithm"), FieldPath(field, "dpopAlgorithm"), "expected ES256 or ES384");
    a.dpop_algorithm = *v;
  }
}

// groups.sources[i].national and .reportTo: what the source says about all of its listings.
void ReadSourceListingDefaults(const JsonValue& item, const std::string& field, DataProblems& p,
                               GroupSourceConfig& source) {
  source.national = p.Bool(item, "national", field).value_or(false);
  source.report_to = p.String(item, "reportTo", field, false).value_or("");
  if (!source.report_to.empty() && !fhir::IsReportLink(source.report_to)) {
    p.Add(*item.Find("reportTo"), FieldPath(field, "reportTo"), "expected a mailto: or http(s) URL");
  }
}

void ReadClientAuth(const JsonValue& auth, const std::string& field, DataProblems& p, ClientAuthConfig& a,
                    const std::filesystem::path& dir) {
  p.RejectUnknown(auth, field, {"type", "token", "clientId", "privateKeyFile", "keyId", "scope", "tokenEndpoint",
                                "assertionAudience", "tokenParameters", "dpop", "dpopAlgorithm", "headers"});
  a.type = p.String(auth, "type", field, true).value_or("none");
  if (a.type == "bearer") {
    a.bearer_token = p.String(auth, "token", field, true).value_or("");
  } else if (a.type == "smart-backend-services") {
    a.client_id = p.String(auth, "clientId", field, true).value_or("");
    if (auto v = p.String(auth, "privateKeyFile", field, true)) a.private_key_file = Resolve(dir, *v);
    a.key_id = p.String(auth, "keyId", field, true).value_or("");
    if (auto v = p.String(auth, "scope", field, false)) a.scope = *v;
    if (auto v = p.String(auth, "tokenEndpoint", field, false)) {
      if (!IsHttpUrl(*v)) p.Add(*auth.Find("tokenEndpoint"), FieldPath(field, "tokenEndpoint"), "expected an http(s) URL");
      a.token_endpoint = *v;
    }
  } else if (a.type != "none") {
    p.Add(*auth.Find("type"), FieldPath(field, "type"), "expected none, bearer or smart-backend-services");
  }
  ReadClientAuthProfile(auth, field, p, a);
}

// service.trustedProxies: the reverse proxies whose X-Forwarded-Proto and -Host are believed.
void ReadTrustedProxies(const JsonValue& s, DataProblems& p, ServiceConfig& c) {
  (void)p.Strings(s, "trustedProxies", "service", false);  // problems for what is not a list of strings
  const JsonValue* list = s.Find("trustedProxies");
  if (list == nullptr || !list->is_array()) return;
  for (size_t i = 0; i < list->items().size(); ++i) {  // positions in the file, not in the list read
    const JsonValue& item = list->items()[i];
    if (!item.is_string()) continue;
    Result<IpRange> range = IpRange::Parse(*item.AsString());
    if (range.ok()) {
      c.trusted_proxies.push_back(*range);
    } else {
      p.Add(item, FieldPath("service.trustedProxies", i), range.status().message());
    }
  }
}

void ReadService(const JsonValue& s, DataProblems& p, ServiceConfig& c, const std::filesystem::path& dir) {
  p.RejectUnknown(s, "service",
                  {"bindAddress", "port", "publicBaseUrl", "threads", "maxBodyBytes", "maxHeaderBytes", "headerTimeoutMs",
                   "bodyTimeoutMs", "idleTimeoutMs", "maxConnections", "shutdownGraceMs", "tls", "corsAllowedOrigins",
                   "trustedProxies"});
  if (auto v = p.String(s, "bindAddress", "service", false)) c.bind_address = *v;
  if (auto v = p.Int(s, "port", "service", false, 0, 65535)) c.port = static_cast<int>(*v);
  if (auto v = p.String(s, "publicBaseUrl", "service", false)) {
    if (!IsHttpUrl(*v)) {
      p.Add(*s.Find("publicBaseUrl"), "service.publicBaseUrl", "expected an http(s) URL");
    }
    c.public_base_url = *v;
  }
  if (auto v = p.Int(s, "threads", "service", false, 1, 64)) c.threads = static_cast<int>(*v);
  if (auto v = p.Int(s, "maxBodyBytes", "service", false, 1024, 64 << 20)) {
    c.max_body_bytes = static_cast<int>(*v);
  }
  if (auto v = p.Int(s, "maxHeaderBytes", "service", false, 1024, 1 << 20)) c.max_header_bytes = static_cast<int>(*v);
  if (auto v = p.Int(s, "headerTimeoutMs", "service", false, 100, 600000)) c.header_timeout_ms = static_cast<int>(*v);
  if (auto v = p.Int(s, "bodyTimeoutMs", "service", false, 100, 600000)) c.body_timeout_ms = static_cast<int>(*v);
  if (auto v = p.Int(s, "idleTimeoutMs", "service", false, 100, 3600000)) c.idle_timeout_ms = static_cast<int>(*v);
  if (auto v = p.Int(s, "maxConnections", "service", false, 1, 1 << 20)) c.max_connections = static_cast<int>(*v);
  if (auto v = p.Int(s, "shutdownGraceMs", "service", false, 0, 600000)) c.shutdown_grace_ms = static_cast<int>(*v);
  c.cors_allowed_origins = p.Strings(s, "corsAllowedOrigins", "service", false);
  if (const JsonValue* origins = s.Find("corsAllowedOrigins"); origins != nullptr && origins->is_array()) {
    for (size_t i = 0; i < origins->items().size(); ++i) {  // positions in the file, not in the list read
      const JsonValue& item = origins->items()[i];
      if (item.is_string() && !item.AsString()->empty() && !IsOrigin(std::string(*item.AsString()))) {
        p.Add(item, FieldPath("service.corsAllowedOrigins", i),
              "expected an origin as a browser sends it: http(s)://host[:port] in lower case, no default port, "
              "no path and no '*'");
      }
    }
  }
  ReadTrustedProxies(s, p, c);
  if (const JsonValue* tls = p.Object(s, "tls", "service", false)) {
    p.RejectUnknown(*tls, "service.tls", {"certificateFile", "privateKeyFile"});
    auto cert = p.String(*tls, "certificateFile", "service.tls", true);
    auto key = p.String(*tls, "privateKeyFile", "service.tls", true);
    if (cert) c.tls_certificate = Resolve(dir, *cert);
    if (key) c.tls_private_key = Resolve(dir, *key);
  }
}

// store.url and the pool's settings (PostgreSQL); store.path is then not needed.
void ReadPostgresStore(const JsonValue& s, DataProblems& p, ServiceConfig& c) {
  if (auto v = p.String(s, "url", "store", false)) {
    if (v->rfind("postgresql://", 0) != 0 && v->rfind("postgres://", 0) != 0) {
      p.Add(*s.Find("url"), "store.url", "expected a postgresql:// URL");
    } else if (s.Find("path") != nullptr) {
      p.Add(*s.Find("url"), "store.url", "store.path and store.url exclude each other: choose one store");
    } else {
      c.postgres.url = *v;
    }
  }
  if (auto v = p.Int(s, "poolSize", "store", false, 1, 256)) c.postgres.pool_size = static_cast<int>(*v);
  if (auto v = p.Int(s, "leaseSeconds", "store", false, 5, 3600)) c.postgres.lease_seconds = static_cast<int>(*v);
  if (auto v = p.Int(s, "timeoutSeconds", "store", false, 1, 300)) c.postgres.timeout_seconds = static_cast<int>(*v);
  if (auto v = p.String(s, "sessionKey", "store", false)) {
    std::optional<std::string> key = fhir::Base64Decode(*v);  // the value is a secret: never quoted
    if (!key || key->size() != 32) {
      p.Add(*s.Find("sessionKey"), "store.sessionKey", "expected 32 random bytes in Base64 (openssl rand -base64 32)");
    } else {
      c.postgres.session_key = std::move(*key);
    }
  }
}

// With store.url, the app's sessions are kept in the database, encrypted with store.sessionKey:
// the app needs one.
void CheckSessionKey(const JsonValue& root, DataProblems& p, const ServiceConfig& c) {
  const JsonValue* store = root.Find("store");
  if (c.postgres.url.empty() || c.app.client_id.empty() || store == nullptr || store->Find("sessionKey") != nullptr) return;
  p.Add(*store, "store.sessionKey",
        "required with store.url when the app is on (app.clientId): the sessions' encryption key, 32 random bytes "
        "in Base64, e.g. \"${file:/etc/selvhjelp/session.key}\" (docs/store.md)");
}

// With store.url, a record's lease must outlast one delivery attempt (the token calls and the
// POST, each up to records.timeoutMs), the write of its outcome (1 s) and the clocks' skew, or a
// second instance takes the record over while the first still delivers it.
void CheckLeaseCoversDelivery(const JsonValue& root, DataProblems& p, const ServiceConfig& c) {
  const JsonValue* store = root.Find("store");
  if (c.postgres.url.empty() || c.records.fhir_server.empty() || store == nullptr) return;
  const ClientAuthConfig& auth = c.records.auth;
  const int64_t token_calls = auth.type != "smart-backend-services" ? 0 : auth.token_endpoint.empty() ? 2 : 1;
  const int64_t needed_ms = (token_calls + 1) * int64_t{c.records.timeout_ms} +
                            2 * int64_t{PostgresStoreConfig::kMaxClockSkewMs} + 1000;
  if (int64_t{c.postgres.lease_seconds} * 1000 > needed_ms) return;
  const JsonValue* at = store->Find("leaseSeconds");
  p.Add(at != nullptr ? *at : *store, "store.leaseSeconds",
        "must be longer than a delivery attempt: " + std::to_string(token_calls + 1) + " x records.timeoutMs + " +
            std::to_string(2 * PostgresStoreConfig::kMaxClockSkewMs + 1000) + " ms = " + std::to_string(needed_ms) +
            " ms (raise it or lower records.timeoutMs)");
}

void ReadCards(const JsonValue& s, DataProblems& p, ServiceConfig& c) {
  p.RejectUnknown(s, "cards", {"language", "informedIntervalDays", "declinedReofferDays", "repeatAfterMinutes",
                               "sourceUrl", "maxGroupsPerSection"});
  if (auto v = p.String(s, "language", "cards", false)) {
    if (*v != "nb" && *v != "nn" && *v != "en") {
      p.Add(*s.Find("language"), "cards.language", "expected \"nb\", \"nn\" or \"en\"");
    } else {
      c.language = *v;
    }
  }
  if (auto v = p.Int(s, "informedIntervalDays", "cards", false, 0, 3650)) {
    c.informed_interval_days = static_cast<int>(*v);
  }
  if (auto v = p.Int(s, "declinedReofferDays", "cards", false, 0, 3650)) {
    c.declined_reoffer_days = static_cast<int>(*v);
  }
  if (auto v = p.Int(s, "repeatAfterMinutes", "cards", false, 0, 1440)) {
    c.repeat_after_minutes = static_cast<int>(*v);
  }
  if (auto v = p.String(s, "sourceUrl", "cards", false)) c.source_url = *v;
  if (auto v = p.Int(s, "maxGroupsPerSection", "cards", false, 1, 20)) {
    c.max_groups_per_section = static_cast<int>(*v);
  }
}

// auth.accessTokens: OAuth 2.0 access tokens from a hospital STS or HelseID.
void ReadAccessTokens(const JsonValue& s, DataProblems& p, AccessTokenConfig& a, const std::filesystem::path& dir) {
  const std::string field = "auth.accessTokens";
  p.RejectUnknown(s, field, {"issuer", "audience", "jwksFile", "jwksUri", "algorithms", "leewaySeconds", "scopes"});
  a.issuer = p.String(s, "issuer", field, true).value_or("");
  a.audience = p.String(s, "audience", field, true).value_or("");
  if (auto v = p.String(s, "jwksFile", field, false)) a.jwks_file = Resolve(dir, *v);
  if (auto v = p.String(s, "jwksUri", field, false)) {
    if (v->rfind("https://", 0) != 0) p.Add(*s.Find("jwksUri"), field + ".jwksUri", "expected an https URL");
    a.jwks_uri = *v;
  }
  if (a.jwks_file.empty() && a.jwks_uri.empty()) p.Add(s, field, "needs jwksFile or jwksUri: there is no other way to get its keys");
  if (s.Find("algorithms")) {
    a.algorithms = p.Strings(s, "algorithms", field, false);
    for (size_t i = 0; i < a.algorithms.size(); ++i) {
      static const std::set<std::string> kAsymmetric = {"ES256", "ES384", "RS256", "RS384"};
      if (!kAsymmetric.count(a.algorithms[i])) {
        p.Add(s.Find("algorithms")->items()[i], FieldPath(field + ".algorithms", i),
              "only ES256, ES384, RS256 and RS384 are allowed (never none or symmetric algorithms)");
      }
    }
  }
  if (auto v = p.Int(s, "leewaySeconds", field, false, 0, 60)) a.leeway_seconds = static_cast<int>(*v);
  if (const JsonValue* scopes = p.Object(s, "scopes", field, false)) {
    p.RejectUnknown(*scopes, field + ".scopes", {"recordsWrite", "recordsRead", "auditRead"});
    if (auto v = p.String(*scopes, "recordsWrite", field + ".scopes", false)) a.records_write_scope = *v;
    if (auto v = p.String(*scopes, "recordsRead", field + ".scopes", false)) a.records_read_scope = *v;
    if (auto v = p.String(*scopes, "auditRead", field + ".scopes", false)) a.audit_read_scope = *v;
  }
}

void ReadAuth(const JsonValue& s, DataProblems& p, ServiceConfig& c, const std::filesystem::path& dir) {
  p.RejectUnknown(s, "auth", {"required", "trustedIssuers", "algorithms", "clockSkewSeconds",
                              "maxTokenLifetimeSeconds", "caFile", "accessTokens"});
  if (const JsonValue* tokens = p.Object(s, "accessTokens", "auth", false)) ReadAccessTokens(*tokens, p, c.access_tokens, dir);
  if (auto v = p.String(s, "caFile", "auth", false)) c.ca_file = Resolve(dir, *v);
  if (auto v = p.Bool(s, "required", "auth")) c.auth_required = *v;
  if (auto v = p.Int(s, "clockSkewSeconds", "auth", false, 0, 600)) {
    c.clock_skew_seconds = static_cast<int>(*v);
  }
  if (auto v = p.Int(s, "maxTokenLifetimeSeconds", "auth", false, 1, 86400)) c.max_token_lifetime_seconds = *v;
  if (s.Find("algorithms")) {
    c.algorithms = p.Strings(s, "algorithms", "auth", false);
    for (size_t i = 0; i < c.algorithms.size(); ++i) {
      if (c.algorithms[i] != "ES384" && c.algorithms[i] != "RS384") {
        p.Add(s.Find("algorithms")->items()[i], FieldPath("auth.algorithms", i),
              "only ES384 and RS384 are allowed (never none or symmetric algorithms)");
      }
    }
  }
  const JsonValue* issuers = p.Array(s, "trustedIssuers", "auth", false);
  if (issuers == nullptr) return;
  for (size_t i = 0; i < issuers->items().size(); ++i) {
    const JsonValue& item = issuers->items()[i];
    std::string field = FieldPath("auth.trustedIssuers", i);
    if (!item.is_object()) {
      p.Add(item, field, "expected an object");
      continue;
    }
    p.RejectUnknown(item, field, {"iss", "jwksFile", "allowedJku"});
    TrustedIssuer issuer;
    if (auto v = p.String(item, "iss", field, true)) issuer.iss = *v;
    if (auto v = p.String(item, "jwksFile", field, false)) issuer.jwks_file = Resolve(dir, *v);
    issuer.allowed_jku = p.Strings(item, "allowedJku", field, false);
    for (size_t j = 0; j < issuer.allowed_jku.size(); ++j) {
      if (issuer.allowed_jku[j].rfind("https://", 0) != 0) {
        p.Add(item.Find("allowedJku")->items()[j], FieldPath(FieldPath(field, "allowedJku"), j),
              "expected an https URL");
      }
    }
    if (issuer.jwks_file.empty() && issuer.allowed_jku.empty()) {
      p.Add(item, field, "needs jwksFile or allowedJku: there is no other way to get its keys");
    }
    c.issuers.push_back(std::move(issuer));
  }
}

void ReadGroupSources(const JsonValue& s, DataProblems& p, ServiceConfig& c,
                      const std::filesystem::path& dir) {
  const JsonValue* sources = p.Array(s, "sources", "groups", true);
  if (sources == nullptr) return;
  std::set<std::string> names;
  for (size_t i = 0; i < sources->items().size(); ++i) {
    const JsonValue& item = sources->items()[i];
    std::string field = FieldPath("groups.sources", i);
    if (!item.is_object()) {
      p.Add(item, field, "expected an object");
      continue;
    }
    p.RejectUnknown(item, field, {"name", "type", "path", "url", "bearerToken", "auth", "organisation", "themes",
                                  "refreshSeconds", "maxShrinkPercent", "maxPages", "maxItems", "maxBytes",
                                  "national", "reportTo"});
    GroupSourceConfig source;
    source.name = p.String(item, "name", field, true).value_or("");
    if (!source.name.empty() && !names.insert(source.name).second) {
      p.Add(*item.Find("name"), FieldPath(field, "name"), "another source has this name");
    }
    source.type = p.String(item, "type", field, true).value_or("");
    const bool file_type = source.type == "json" || source.type == "csv" || source.type == "meeting-guide" ||
                           source.type == "hsds";
    const bool api_type = source.type == "fhir" || source.type == "hsds-api";
    if (!source.type.empty() && !file_type && !api_type && source.type != "hsds-package") {
      p.Add(*item.Find("type"), FieldPath(field, "type"),
            "expected json, csv, meeting-guide, hsds, hsds-package, hsds-api or fhir");
    }
    if (source.type == "hsds-package" && item.Find("path") == nullptr) {
      p.Add(item, FieldPath(field, "path"), "required: the data package's folder");
    }
    if (source.type == "meeting-guide") {
      source.organisation = p.String(item, "organisation", field, true).value_or("");
      source.themes = p.Strings(item, "themes", field, true);
    }
    if (file_type && (item.Find("path") != nullptr) == (item.Find("url") != nullptr)) {
      p.Add(item, field, "needs either path (a local file) or url (the same over http), not both");
    }
    if (auto v = p.String(item, "path", field, false)) source.path = Resolve(dir, *v);
    source.url = p.String(item, "url", field, api_type).value_or("");
    if (!source.url.empty() && !IsHttpUrl(source.url)) {
      p.Add(*item.Find("url"), FieldPath(field, "url"), "expected an http(s) URL");
    }
    if (auto token = p.String(item, "bearerToken", field, false)) {
      source.auth.type = "bearer";
      source.auth.bearer_token = *token;
    }
    source.auth.scope = "system/HealthcareService.rs system/Location.rs system/Organization.rs";
    if (const JsonValue* auth = p.Object(item, "auth", field, false)) {
      if (item.Find("bearerToken") != nullptr) p.Add(*auth, FieldPath(field, "auth"), "give bearerToken or auth, not both");
      ReadClientAuth(*auth, FieldPath(field, "auth"), p, source.auth, dir);
    }
    if (auto v = p.Int(item, "refreshSeconds", field, false, 1, 7 * 24 * 3600)) {
      source.refresh_seconds = static_cast<int>(*v);
    }
    if (auto v = p.Int(item, "maxShrinkPercent", field, false, 0, 100)) source.max_shrink_percent = static_cast<int>(*v);
    if (auto v = p.Int(item, "maxPages", field, false, 1, 1000000)) source.max_pages = *v;
    if (auto v = p.Int(item, "maxItems", field, false, 1, 10000000)) source.max_items = *v;
    if (auto v = p.Int(item, "maxBytes", field, false, 1024, int64_t{16} * 1024 * 1024 * 1024)) source.max_bytes = *v;
    ReadSourceListingDefaults(item, field, p, source);
    c.group_sources.push_back(std::move(source));
  }
}

// A {system, code, display} object; system and code required.
DocumentCoding ReadDocumentCoding(const JsonValue& c, const std::string& field, DataProblems& p) {
  p.RejectUnknown(c, field, {"system", "code", "display"});
  DocumentCoding coding;
  coding.system = p.String(c, "system", field, true).value_or("");
  coding.code = p.String(c, "code", field, true).value_or("");
  coding.display = p.String(c, "display", field, false).value_or("");
  return coding;
}

// records.writeBack and records.document; sets the default scope the mode needs.
void ReadWriteBack(const JsonValue& s, DataProblems& p, RecordsConfig& r) {
  if (auto v = p.String(s, "writeBack", "records", false)) {
    if (*v != "communication" && *v != "document" && *v != "none") {
      p.Add(*s.Find("writeBack"), "records.writeBack", "expected communication, document or none");
    }
    r.write_back = *v;
  }
  const JsonValue* document = p.Object(s, "document", "records", false);
  if (document != nullptr) {
    p.RejectUnknown(*document, "records.document", {"type", "category", "custodian", "language"});
    if (const JsonValue* type = p.Object(*document, "type", "records.document", false)) {
      r.document.type = ReadDocumentCoding(*type, "records.document.type", p);
    }
    if (const JsonValue* category = p.Object(*document, "category", "records.document", false)) {
      r.document.category = ReadDocumentCoding(*category, "records.document.category", p);
    }
    if (auto v = p.String(*document, "custodian", "records.document", false)) {
      if (v->rfind("Organization/", 0) != 0) {
        p.Add(*document->Find("custodian"), "records.document.custodian", "expected Organization/<id>");
      }
      r.document.custodian = *v;
    }
    if (auto v = p.String(*document, "language", "records.document", false)) r.document.language = *v;
  }
  if (r.write_back == "document") {
    if (document == nullptr || document->Find("type") == nullptr) {
      p.Add(document ? *document : s, "records.document.type",
            "required for writeBack document: the EHR's own document type code (ask its vendor)");
    }
    r.auth.scope = "system/DocumentReference.crus system/Binary.cu";  // u: entered-in-error corrections
  }
}

void ReadGroupStaleness(const JsonValue& s, DataProblems& p, ServiceConfig& c) {
  if (auto v = p.Int(s, "staleAfterSeconds", "groups", false, 0, int64_t{365} * 24 * 3600)) c.group_stale_after_seconds = *v;
  if (auto v = p.String(s, "staleGroups", "groups", false)) {
    if (*v != "show" && *v != "hide") p.Add(*s.Find("staleGroups"), "groups.staleGroups", "expected show or hide");
    c.hide_stale_groups = *v == "hide";
  }
}

void ReadRecords(const JsonValue& s, DataProblems& p, RecordsConfig& r, const std::filesystem::path& dir) {
  p.RejectUnknown(s, "records", {"fhirServer", "auth", "allowHttp", "deliveryWorkers", "retryInitialMs",
                                 "retryMaxMs", "timeoutMs", "assemblerName", "parkUnrecognisedAfter",
                                 "maxGroupsPerRecord", "retentionDays", "writeBack", "document"});
  if (auto v = p.Bool(s, "allowHttp", "records")) r.allow_http = *v;
  if (auto v = p.String(s, "fhirServer", "records", true)) {
    if (!IsHttpUrl(*v) || (!r.allow_http && v->rfind("https://", 0) != 0)) {
      p.Add(*s.Find("fhirServer"), "records.fhirServer",
            r.allow_http ? "expected an http(s) URL" : "expected an https URL (allowHttp is for test set-ups)");
    }
    r.fhir_server = *v;
    while (!r.fhir_server.empty() && r.fhir_server.back() == '/') r.fhir_server.pop_back();
  }
  if (auto v = p.Int(s, "deliveryWorkers", "records", false, 1, 64)) r.delivery_workers = static_cast<int>(*v);
  if (auto v = p.Int(s, "retryInitialMs", "records", false, 10, 3600000)) r.retry_initial_ms = static_cast<int>(*v);
  if (auto v = p.Int(s, "retryMaxMs", "records", false, 10, 24 * 3600000)) r.retry_max_ms = static_cast<int>(*v);
  if (r.retry_max_ms < r.retry_initial_ms) {
    p.Add(s, "records.retryMaxMs", "must not be less than retryInitialMs");
  }
  if (auto v = p.Int(s, "timeoutMs", "records", false, 100, 120000)) r.timeout_ms = static_cast<int>(*v);
  if (auto v = p.String(s, "assemblerName", "records", false)) r.assembler_name = *v;
  if (auto v = p.Int(s, "parkUnrecognisedAfter", "records", false, 1, 1000)) {
    r.park_unrecognised_after = static_cast<int>(*v);
  }
  if (auto v = p.Int(s, "maxGroupsPerRecord", "records", false, 1, 1000)) r.max_groups_per_record = static_cast<int>(*v);
  if (auto v = p.Int(s, "retentionDays", "records", false, 365, 100 * 366)) r.retention_days = static_cast<int>(*v);
  // u: an entered-in-error correction patches what was written (docs/records.md).
  r.auth.scope = "system/Communication.crus system/Procedure.crus system/Consent.crus system/Provenance.crs";
  ReadWriteBack(s, p, r);
  if (const JsonValue* auth = p.Object(s, "auth", "records", false)) ReadClientAuth(*auth, "records.auth", p, r.auth, dir);
}

void ReadApp(const JsonValue& s, DataProblems& p, AppConfig& a, const std::filesystem::path& dir) {
  p.RejectUnknown(s, "app", {"clientId", "allowedIssuers", "redirectUri", "launchUrl", "scope", "hprClaim", "unitClaim", "roleClaim",
                             "sessionIdleMinutes", "sessionMaxHours", "allowHttp", "webDirectory"});
  if (auto v = p.String(s, "webDirectory", "app", true)) a.web_directory = Resolve(dir, *v);
  if (auto v = p.Bool(s, "allowHttp", "app")) a.allow_http = *v;
  if (auto v = p.String(s, "clientId", "app", true)) a.client_id = *v;
  a.allowed_issuers = p.Strings(s, "allowedIssuers", "app", true);
  for (size_t i = 0; i < a.allowed_issuers.size(); ++i) {
    const std::string& iss = a.allowed_issuers[i];
    if (!IsHttpUrl(iss) || (!a.allow_http && iss.rfind("https://", 0) != 0)) {
      p.Add(s.Find("allowedIssuers")->items()[i], FieldPath("app.allowedIssuers", i),
            a.allow_http ? "expected an http(s) URL" : "expected an https URL (allowHttp is for test set-ups)");
    }
  }
  if (auto v = p.String(s, "redirectUri", "app", false)) {
    if (!IsHttpUrl(*v)) p.Add(*s.Find("redirectUri"), "app.redirectUri", "expected an http(s) URL");
    a.redirect_uri = *v;
  }
  if (auto v = p.String(s, "launchUrl", "app", false)) {
    if (!IsHttpUrl(*v)) p.Add(*s.Find("launchUrl"), "app.launchUrl", "expected an http(s) URL");
    a.launch_url = *v;
  }
  if (auto v = p.String(s, "scope", "app", false)) a.scope = *v;
  if (auto v = p.String(s, "hprClaim", "app", false)) a.hpr_claim = *v;
  if (auto v = p.String(s, "unitClaim", "app", false)) a.unit_claim = *v;
  if (auto v = p.String(s, "roleClaim", "app", false)) a.role_claim = *v;
  if (auto v = p.Int(s, "sessionIdleMinutes", "app", false, 1, 24 * 60)) a.session_idle_minutes = static_cast<int>(*v);
  if (auto v = p.Int(s, "sessionMaxHours", "app", false, 1, 24)) a.session_max_hours = static_cast<int>(*v);
}

void ReadLogging(const JsonValue& s, DataProblems& p, LoggingConfig& l) {
  p.RejectUnknown(s, "logging", {"format", "stream"});
  if (auto v = p.String(s, "format", "logging", false)) {
    if (*v != "text" && *v != "json") p.Add(*s.Find("format"), "logging.format", "expected text or json");
    l.format = *v;
  }
  if (auto v = p.String(s, "stream", "logging", false)) {
    if (*v != "stderr" && *v != "stdout") p.Add(*s.Find("stream"), "logging.stream", "expected stderr or stdout");
    l.stream = *v;
  }
}

void ReadAudit(const JsonValue& s, DataProblems& p, AuditConfig& a, const std::filesystem::path& dir) {
  p.RejectUnknown(s, "audit", {"episodeTypes", "units", "transferredOutDays", "fhirServer", "pageSize", "auth", "allowHttp",
                               "auditors"});
  if (auto v = p.Int(s, "pageSize", "audit", false, 1, 10000)) a.page_size = static_cast<int>(*v);
  if (auto v = p.Bool(s, "allowHttp", "audit")) a.allow_http = *v;
  if (const JsonValue* types = p.Array(s, "episodeTypes", "audit", false)) {
    for (size_t i = 0; i < types->items().size(); ++i) {
      const JsonValue& t = types->items()[i];
      const std::string field = FieldPath("audit.episodeTypes", i);
      auto system = p.String(t, "system", field, true);
      auto code = p.String(t, "code", field, true);
      if (system && code) a.episode_types.emplace_back(*system, *code);
    }
  }
  if (const JsonValue* units = p.Array(s, "units", "audit", false)) {
    for (size_t i = 0; i < units->items().size(); ++i) {
      const JsonValue& u = units->items()[i];
      const std::string field = FieldPath("audit.units", i);
      p.RejectUnknown(u, field, {"reference", "name"});
      auto reference = p.String(u, "reference", field, true);
      auto name = p.String(u, "name", field, true);
      if (reference && reference->rfind("Organization/", 0) != 0) {
        p.Add(*u.Find("reference"), FieldPath(field, "reference"), "expected Organization/<id>");
      }
      if (reference && name) a.units.push_back({*reference, *name});
    }
  }
  if (auto v = p.Int(s, "transferredOutDays", "audit", false, 0, 365)) a.transferred_out_days = static_cast<int>(*v);
  if (auto v = p.String(s, "fhirServer", "audit", false)) {
    if (!IsHttpUrl(*v) || (!a.allow_http && v->rfind("https://", 0) != 0)) {
      p.Add(*s.Find("fhirServer"), "audit.fhirServer", a.allow_http ? "expected an http(s) URL" : "expected an https URL");
    }
    a.fhir_server = *v;
    while (!a.fhir_server.empty() && a.fhir_server.back() == '/') a.fhir_server.pop_back();
  }
  a.auth.scope = "system/Patient.rs system/EpisodeOfCare.rs system/Encounter.rs system/Condition.rs "
                 "system/RelatedPerson.rs system/Communication.rs";
  if (const JsonValue* auth = p.Object(s, "auth", "audit", false)) ReadClientAuth(*auth, "audit.auth", p, a.auth, dir);
  if (const JsonValue* auditors = p.Array(s, "auditors", "audit", false)) {
    for (size_t i = 0; i < auditors->items().size(); ++i) {
      const JsonValue& who = auditors->items()[i];
      const std::string field = FieldPath("audit.auditors", i);
      p.RejectUnknown(who, field, {"iss", "sub"});
      auto iss = p.String(who, "iss", field, true);
      auto sub = p.String(who, "sub", field, true);
      if (iss && sub) a.auditors.emplace_back(*iss, *sub);
    }
  }
}

}  // namespace

Status ReadConfig(const std::filesystem::path& path, ServiceConfig& c, DataProblems& p) {
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue root, fhir::ReadJsonFile(path));
  c.file = path;
  std::filesystem::path dir = path.parent_path();
  ExpandReferences(root, dir, p);  // ${env:NAME}, ${file:PATH}: secrets kept out of the file
  if (!root.is_object()) {
    p.Add(root, "(top level)", "expected an object");
    return OkStatus();
  }
  p.RejectUnknown(root, "", {"description", "service", "cards", "store", "mappings", "groups",
                             "fhirServer", "auth", "records", "audit", "app", "logging"});
  if (const JsonValue* s = p.Object(root, "service", "", false)) ReadService(*s, p, c, dir);
  if (const JsonValue* s = p.Object(root, "cards", "", false)) ReadCards(*s, p, c);
  if (const JsonValue* s = p.Object(root, "store", "", true)) {
    p.RejectUnknown(*s, "store", {"path", "cardRetentionDays", "url", "poolSize", "leaseSeconds", "timeoutSeconds",
                                  "sessionKey"});
    ReadPostgresStore(*s, p, c);
    if (auto v = p.String(*s, "path", "store", c.postgres.url.empty())) c.store_path = Resolve(dir, *v);
    if (auto v = p.Int(*s, "cardRetentionDays", "store", false, 1, 3650)) c.card_retention_days = static_cast<int>(*v);
  }
  if (const JsonValue* s = p.Object(root, "mappings", "", true)) {
    p.RejectUnknown(*s, "mappings", {"directory", "extraDiagnosisFiles", "liftExclusions", "postalRegister"});
    if (auto v = p.String(*s, "postalRegister", "mappings", false)) c.postal_register = Resolve(dir, *v);
    if (auto v = p.String(*s, "directory", "mappings", true)) c.mappings_dir = Resolve(dir, *v);
    for (const std::string& f : p.Strings(*s, "extraDiagnosisFiles", "mappings", false)) {
      c.extra_diagnosis_files.push_back(Resolve(dir, f));
    }
    for (const std::string& id : p.Strings(*s, "liftExclusions", "mappings", false)) {
      c.lifted_exclusions.insert(id);
    }
  }
  if (const JsonValue* s = p.Object(root, "groups", "", true)) {
    p.RejectUnknown(*s, "groups", {"sources", "staleAfterSeconds", "staleGroups"});
    ReadGroupSources(*s, p, c, dir);
    ReadGroupStaleness(*s, p, c);
  }
  if (const JsonValue* s = p.Object(root, "fhirServer", "", false)) {
    p.RejectUnknown(*s, "fhirServer", {"timeoutMs", "allowHttp"});
    if (auto v = p.Int(*s, "timeoutMs", "fhirServer", false, 100, 30000)) {
      c.fhir_timeout_ms = static_cast<int>(*v);
    }
    if (auto v = p.Bool(*s, "allowHttp", "fhirServer")) c.allow_http_fhir_server = *v;
  }
  if (const JsonValue* s = p.Object(root, "auth", "", false)) ReadAuth(*s, p, c, dir);
  if (const JsonValue* s = p.Object(root, "records", "", false)) ReadRecords(*s, p, c.records, dir);
  if (const JsonValue* s = p.Object(root, "app", "", false)) ReadApp(*s, p, c.app, dir);
  if (const JsonValue* s = p.Object(root, "audit", "", false)) ReadAudit(*s, p, c.audit, dir);
  if (const JsonValue* s = p.Object(root, "logging", "", false)) ReadLogging(*s, p, c.logging);
  CheckLeaseCoversDelivery(root, p, c);
  CheckSessionKey(root, p, c);
  if (c.auth_required && c.issuers.empty()) {
    p.Add(root, "auth.trustedIssuers", "auth.required is true but no issuer is trusted");
  }
  return OkStatus();
}

Result<ServiceConfig> LoadConfig(const std::filesystem::path& path) {
  ServiceConfig config;
  DataProblems problems(path);
  SELVHJELP_RETURN_IF_ERROR(ReadConfig(path, config, problems));
  SELVHJELP_RETURN_IF_ERROR(problems.ToStatus());
  return config;
}

}  // namespace selvhjelp::config
