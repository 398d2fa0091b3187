#define BOOST_TEST_MODULE config_tests
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "config/service_config.h"

using selvhjelp::config::LoadConfig;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(demo_config_loads_with_defaults) {
  auto cfg = LoadConfig(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo.json");
  BOOST_REQUIRE_MESSAGE(cfg.ok(), cfg.status().message());
  BOOST_TEST(cfg->port == 8080);
  BOOST_TEST(cfg->BaseUrl() == "http://127.0.0.1:8080");
  BOOST_TEST(cfg->issuers.size() == 1u);
  BOOST_TEST(cfg->declined_reoffer_days == 90);
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_with_file_line_and_field) {
  fs::path file = fs::temp_directory_path() / "selvhjelp-bad-config.json";
  std::ofstream(file) << "{\n"
                         "  \"service\": {\"port\": 70000, \"thredas\": 2},\n"
                         "  \"cards\": {\"language\": \"de\"},\n"
                         "  \"store\": {},\n"
                         "  \"mappings\": {\"directory\": \"m\"},\n"
                         "  \"groups\": {\"files\": [\"g.json\"]},\n"
                         "  \"auth\": {\"algorithms\": [\"HS256\"], \"trustedIssuers\": [{\"iss\": \"x\"}]}\n"
                         "}\n";
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE(!cfg.ok());
  const std::string& m = cfg.status().message();
  const std::string f = file.string();
  BOOST_TEST(m.find(f + ":2: service.port: expected a whole number from 0 to 65535") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":2: service.thredas: unknown setting") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":3: cards.language") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":4: store.path: required but missing") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":7: auth.algorithms[0]") != std::string::npos, m);
  BOOST_TEST(m.find("auth.trustedIssuers[0]: needs jwksFile or allowedJku") != std::string::npos, m);
  fs::remove(file);
}

BOOST_AUTO_TEST_CASE(malformed_json_names_line_and_column) {
  fs::path file = fs::temp_directory_path() / "selvhjelp-broken.json";
  std::ofstream(file) << "{\n  \"store\": {\"path\": \"x\"},\n  oops\n}";
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE(!cfg.ok());
  BOOST_TEST(cfg.status().message().find(file.string() + ":3:3:") == 0u, cfg.status().message());
  fs::remove(file);
}

BOOST_AUTO_TEST_CASE(the_app_section_names_each_problem) {
  fs::path file = fs::temp_directory_path() / "selvhjelp-bad-app-config.json";
  std::ofstream(file) << "{\n"
                         "  \"store\": {\"path\": \"s.db\"},\n"
                         "  \"mappings\": {\"directory\": \"m\"},\n"
                         "  \"groups\": {\"sources\": []},\n"
                         "  \"auth\": {\"trustedIssuers\": []},\n"
                         "  \"app\": {\"clientId\": \"selvhjelp\",\n"
                         "          \"allowedIssuers\": [\"https://ehr.example/fhir\", \"http://plain.example/fhir\"],\n"
                         "          \"sessionIdleMinutes\": 0, \"cookie\": 1,\n"
                         "          \"launchUrl\": \"selvhjelp/app/launch\"}\n"
                         "}\n";
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE(!cfg.ok());
  const std::string& m = cfg.status().message();
  const std::string f = file.string();
  BOOST_TEST(m.find(f + ":7: app.allowedIssuers[1]: expected an https URL") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":8: app.sessionIdleMinutes") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":8: app.cookie: unknown setting") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":9: app.launchUrl: expected an http(s) URL") != std::string::npos, m);
  fs::remove(file);
}

// Cards link to the app's launch URL: the configured one, else the public base URL's; none
// without the app.
BOOST_AUTO_TEST_CASE(the_app_launch_url_defaults_to_the_base_url) {
  selvhjelp::config::ServiceConfig c;
  c.public_base_url = "https://selvhjelp.example/";
  BOOST_TEST(c.AppLaunchUrl().empty());
  c.app.client_id = "selvhjelp";
  BOOST_TEST(c.AppLaunchUrl() == "https://selvhjelp.example/app/launch");
  c.app.launch_url = "https://apps.example/selvhjelp/launch";
  BOOST_TEST(c.AppLaunchUrl() == "https://apps.example/selvhjelp/launch");
}

// The app's session cookie is Secure when browsers reach us over https: TLS here, or an https
// public base URL (TLS ending at a proxy, the usual set-up), whichever way the listener serves.
BOOST_AUTO_TEST_CASE(served_over_https_follows_tls_here_or_an_https_public_base_url) {
  selvhjelp::config::ServiceConfig c;
  BOOST_TEST(!c.ServedOverHttps());
  c.public_base_url = "https://selvhjelp.helse-vest.example/";
  BOOST_TEST(c.ServedOverHttps());
  c.public_base_url = "http://selvhjelp.internal";
  BOOST_TEST(!c.ServedOverHttps());
  c.public_base_url.clear();
  c.tls_certificate = "/etc/selvhjelp/tls/cert.pem";
  BOOST_TEST(c.ServedOverHttps());
}

BOOST_AUTO_TEST_CASE(listener_limits_have_defaults_and_are_checked) {
  auto demo = LoadConfig(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo.json");
  BOOST_REQUIRE(demo.ok());
  BOOST_TEST(demo->max_header_bytes == 65536);
  BOOST_TEST(demo->header_timeout_ms == 10000);
  BOOST_TEST(demo->body_timeout_ms == 30000);
  BOOST_TEST(demo->idle_timeout_ms == 60000);
  BOOST_TEST(demo->max_connections == 1024);
  BOOST_TEST(demo->shutdown_grace_ms == 10000);

  fs::path file = fs::temp_directory_path() / "selvhjelp-limits-config.json";
  std::ofstream(file) << "{\n"
                         "  \"service\": {\"port\": 0, \"maxHeaderBytes\": 10,\n"
                         "    \"headerTimeoutMs\": 2000, \"idleTimeoutMs\": \"long\", \"maxConnections\": 0},\n"
                         "  \"store\": {\"path\": \"s.db\"}, \"mappings\": {\"directory\": \"m\"}, \"groups\": {\"sources\": []},\n"
                         "  \"auth\": {\"required\": false}\n"
                         "}\n";
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE(!cfg.ok());
  const std::string& m = cfg.status().message();
  const std::string f = file.string();
  BOOST_TEST(m.find(f + ":2: service.maxHeaderBytes: expected a whole number from 1024 to 1048576") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":3: service.idleTimeoutMs") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":3: service.maxConnections") != std::string::npos, m);
  BOOST_TEST(m.find("service.port") == std::string::npos, m);  // 0 is allowed: any free port
  BOOST_TEST(m.find("headerTimeoutMs") == std::string::npos, m);
  fs::remove(file);
}

BOOST_AUTO_TEST_CASE(each_problem_is_an_issue_with_its_field_and_cors_origins_are_checked) {
  fs::path file = fs::temp_directory_path() / "selvhjelp-cors-config.json";
  std::ofstream(file) << R"({
  "service": {"port": 0, "corsAllowedOrigins": ["https://sandbox.cds-hooks.org", "*", "http://localhost:3000/app", 7,
                                                  "https://Sandbox.example", "https://ehr.example:443", "http://localhost:3000"]},
  "store": {}, "mappings": {"directory": "m"}, "groups": {"sources": []},
  "records": {"fhirServer": "https://ehr.example/fhir", "maxGroupsPerRecord": 0}, "auth": {"required": false}
})";
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE(!cfg.ok());
  std::vector<std::string> expressions;
  for (const selvhjelp::Issue& issue : cfg.status().issues()) {
    expressions.push_back(issue.expression);
    BOOST_TEST(issue.diagnostics.rfind(file.string() + ":", 0) == 0u, issue.diagnostics);
    BOOST_TEST(issue.code == (issue.expression == "store.path" ? "required" : "invalid"), issue.expression);
  }
  // [3] is not a string (reported by the list's reader); [4] and [5] never match a browser's Origin.
  BOOST_TEST(expressions == (std::vector<std::string>{"service.corsAllowedOrigins[3]", "service.corsAllowedOrigins[1]",
                                                      "service.corsAllowedOrigins[2]", "service.corsAllowedOrigins[4]",
                                                      "service.corsAllowedOrigins[5]", "store.path", "records.maxGroupsPerRecord"}),
             boost::test_tools::per_element());
  fs::remove(file);

  auto demo = LoadConfig(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo.json");
  BOOST_REQUIRE(demo.ok());
  BOOST_TEST(demo->records.max_groups_per_record == 50);
  BOOST_TEST(demo->cors_allowed_origins.empty());
}

BOOST_AUTO_TEST_CASE(records_are_kept_unless_a_retention_of_a_year_or_more_is_set) {
  auto demo = LoadConfig(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo.json");
  BOOST_REQUIRE(demo.ok());
  BOOST_TEST(demo->records.retention_days == 0);  // kept
  fs::path file = fs::temp_directory_path() / "selvhjelp-retention-config.json";
  auto load = [&file](const std::string& days) {
    std::ofstream(file) << R"({"store": {"path": "s.db"}, "mappings": {"directory": "m"}, "groups": {"sources": []},
      "records": {"fhirServer": "https://ehr.example/fhir", "retentionDays": )" << days << R"(}, "auth": {"required": false}})";
    return LoadConfig(file);
  };
  auto kept = load("3660");
  BOOST_REQUIRE_MESSAGE(kept.ok(), kept.status().message());
  BOOST_TEST(kept->records.retention_days == 3660);
  auto short_lived = load("30");
  BOOST_REQUIRE(!short_lived.ok());
  BOOST_TEST(short_lived.status().message().find("records.retentionDays") != std::string::npos, short_lived.status().message());
  fs::remove(file);
}

// Issue 10 item 3: HelseID / hospital STS settings, outbound and inbound.
BOOST_AUTO_TEST_CASE(helseid_settings_are_read_and_checked) {
  fs::path file = fs::temp_directory_path() / "selvhjelp-helseid-config.json";
  std::ofstream(file) << "{\n"
                         "  \"store\": {\"path\": \"s.db\"},\n"
                         "  \"mappings\": {\"directory\": \"m\"},\n"
                         "  \"groups\": {\"sources\": []},\n"
                         "  \"records\": {\"fhirServer\": \"https://ehr.example/fhir\", \"auth\": {\"type\": \"smart-backend-services\",\n"
                         "    \"clientId\": \"c\", \"privateKeyFile\": \"k.pem\", \"keyId\": \"k\", \"assertionAudience\": \"https://sts.example\",\n"
                         "    \"tokenParameters\": {\"resource\": \"nhn:api\"}, \"dpop\": true, \"dpopAlgorithm\": \"ES384\",\n"
                         "    \"headers\": {\"Ocp-Apim-Subscription-Key\": \"s\"}}},\n"
                         "  \"auth\": {\"trustedIssuers\": [], \"required\": false,\n"
                         "    \"accessTokens\": {\"issuer\": \"https://sts.example\", \"audience\": \"selvhjelp\", \"jwksUri\": \"https://sts.example/jwks\",\n"
                         "      \"scopes\": {\"auditRead\": \"nhn:selvhjelp/audit\"}}}\n"
                         "}\n";
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE_MESSAGE(cfg.ok(), cfg.status().message());
  const auto& auth = cfg->records.auth;
  BOOST_TEST(auth.assertion_audience == "https://sts.example");
  BOOST_TEST((auth.token_parameters == std::vector<std::pair<std::string, std::string>>{{"resource", "nhn:api"}}));
  BOOST_TEST(auth.dpop);
  BOOST_TEST(auth.dpop_algorithm == "ES384");
  BOOST_TEST(auth.headers.size() == 1u);
  BOOST_TEST(cfg->access_tokens.audience == "selvhjelp");
  BOOST_TEST(cfg->access_tokens.leeway_seconds == 30);
  BOOST_TEST(cfg->access_tokens.audit_read_scope == "nhn:selvhjelp/audit");
  BOOST_TEST(cfg->access_tokens.records_write_scope == "selvhjelp/records.write");

  std::ofstream(file) << "{\n"
                         "  \"store\": {\"path\": \"s.db\"},\n"
                         "  \"mappings\": {\"directory\": \"m\"},\n"
                         "  \"groups\": {\"sources\": []},\n"
                         "  \"records\": {\"auth\": {\"type\": \"bearer\", \"token\": \"t\", \"headers\": {\"X\": 1}}},\n"
                         "  \"auth\": {\"trustedIssuers\": [], \"required\": false,\n"
                         "    \"accessTokens\": {\"issuer\": \"https://sts.example\", \"jwksUri\": \"http://sts.example/jwks\",\n"
                         "      \"algorithms\": [\"HS256\"], \"leewaySeconds\": 300}}\n"
                         "}\n";
  cfg = LoadConfig(file);
  BOOST_REQUIRE(!cfg.ok());
  const std::string& m = cfg.status().message();
  BOOST_TEST(m.find("records.auth.headers.X: expected a string") != std::string::npos, m);
  BOOST_TEST(m.find("auth.accessTokens.audience: required but missing") != std::string::npos, m);
  BOOST_TEST(m.find("auth.accessTokens.jwksUri: expected an https URL") != std::string::npos, m);
  BOOST_TEST(m.find("auth.accessTokens.algorithms[0]: only ES256, ES384, RS256 and RS384") != std::string::npos, m);
  BOOST_TEST(m.find("auth.accessTokens.leewaySeconds") != std::string::npos, m);
  fs::remove(file);
}

BOOST_AUTO_TEST_CASE(group_staleness_has_defaults_and_is_checked) {
  auto demo = LoadConfig(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo.json");
  BOOST_REQUIRE(demo.ok());
  BOOST_TEST(demo->group_stale_after_seconds == 3 * 24 * 3600);
  BOOST_TEST(!demo->hide_stale_groups);

  fs::path file = fs::temp_directory_path() / "selvhjelp-stale-config.json";
  std::ofstream(file) << "{\n"
                         "  \"store\": {\"path\": \"s.db\"}, \"mappings\": {\"directory\": \"m\"},\n"
                         "  \"groups\": {\"sources\": [],\n"
                         "    \"staleAfterSeconds\": -1, \"staleGroups\": \"maybe\"},\n"
                         "  \"auth\": {\"required\": false}\n"
                         "}\n";
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE(!cfg.ok());
  const std::string& m = cfg.status().message();
  const std::string f = file.string();
  BOOST_TEST(m.find(f + ":4: groups.staleAfterSeconds") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":4: groups.staleGroups: expected show or hide") != std::string::npos, m);
  std::ofstream(file) << "{\"store\": {\"path\": \"s.db\"}, \"mappings\": {\"directory\": \"m\"}, \"auth\": {\"required\": false},\n"
                         " \"groups\": {\"sources\": [], \"staleAfterSeconds\": 60, \"staleGroups\": \"hide\"}}\n";
  auto hide = LoadConfig(file);
  BOOST_REQUIRE_MESSAGE(hide.ok(), hide.status().message());
  BOOST_TEST(hide->group_stale_after_seconds == 60);
  BOOST_TEST(hide->hide_stale_groups);
  fs::remove(file);
}

BOOST_AUTO_TEST_CASE(the_logging_section_is_text_on_stderr_unless_set_and_names_its_problems) {
  auto demo = LoadConfig(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo.json");
  BOOST_REQUIRE_MESSAGE(demo.ok(), demo.status().message());
  BOOST_TEST(demo->logging.format == "text");
  BOOST_TEST(demo->logging.stream == "stderr");
  fs::path file = fs::temp_directory_path() / "selvhjelp-bad-logging-config.json";
  std::ofstream(file) << "{\n"
                         "  \"store\": {\"path\": \"s.db\"},\n"
                         "  \"mappings\": {\"directory\": \"m\"},\n"
                         "  \"groups\": {\"sources\": []},\n"
                         "  \"auth\": {\"trustedIssuers\": []},\n"
                         "  \"logging\": {\"format\": \"xml\",\n"
                         "              \"stream\": \"syslog\", \"level\": \"debug\"}\n"
                         "}\n";
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE(!cfg.ok());
  const std::string& m = cfg.status().message();
  const std::string f = file.string();
  BOOST_TEST(m.find(f + ":6: logging.format: expected text or json") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":7: logging.stream: expected stderr or stdout") != std::string::npos, m);
  BOOST_TEST(m.find(f + ":7: logging.level: unknown setting") != std::string::npos, m);
  fs::remove(file);
}

// A record's lease outlasts a delivery attempt, or a second instance takes it over mid-delivery.
BOOST_AUTO_TEST_CASE(a_lease_shorter_than_a_delivery_attempt_is_refused_at_its_line) {
  fs::path file = fs::temp_directory_path() / "selvhjelp-lease-config.json";
  auto load = [&file](int lease_seconds, int timeout_ms, const std::string& auth) {
    std::ofstream(file) << "{\"mappings\": {\"directory\": \"m\"}, \"groups\": {\"sources\": []},\n"
                        << "  \"store\": {\"url\": \"postgresql://db.example/selvhjelp\",\n"
                        << "    \"leaseSeconds\": " << lease_seconds << "},\n"
                        << "  \"records\": {\"fhirServer\": \"https://ehr.example/fhir\", \"timeoutMs\": " << timeout_ms
                        << auth << "}, \"auth\": {\"required\": false}}";
    return LoadConfig(file);
  };
  BOOST_TEST(load(60, 15000, "").ok());  // the defaults
  BOOST_TEST(load(5, 1500, "").ok());    // 1.5 s + 3 s margin < 5 s
  auto tight = load(5, 2000, "");       // 2 s + 3 s margin = 5 s: no room
  BOOST_REQUIRE(!tight.ok());
  BOOST_TEST(tight.status().message().find(file.string() + ":3: store.leaseSeconds: must be longer") != std::string::npos,
             tight.status().message());
  // A token fetched from the discovered endpoint adds two calls of records.timeoutMs.
  const std::string sbs = R"(, "auth": {"type": "smart-backend-services", "clientId": "c", "privateKeyFile": "k.pem"})";
  auto with_token = load(20, 6000, sbs);
  BOOST_REQUIRE(!with_token.ok());
  BOOST_TEST(with_token.status().message().find("3 x records.timeoutMs") != std::string::npos,
             with_token.status().message());
  BOOST_TEST(load(30, 6000, "").ok());
  fs::remove(file);
}

BOOST_AUTO_TEST_CASE(a_sources_report_link_follows_the_listings_rule) {
  // The same rule as a listing's reportTo (fhir::IsReportLink): scheme in any case, no tel:, no
  // spaces; each refused link is named at its line.
  fs::path file = fs::temp_directory_path() / "selvhjelp-report-link-config.json";
  std::ofstream(file) << "{\"store\": {\"path\": \"s.db\"}, \"mappings\": {\"directory\": \"m\"}, \"auth\": {\"required\": false},\n"
                         " \"groups\": {\"sources\": [\n"
                         "  {\"name\": \"a\", \"type\": \"json\", \"path\": \"a.json\", \"reportTo\": \"MAILTO:feil@example.no\"},\n"
                         "  {\"name\": \"b\", \"type\": \"json\", \"path\": \"b.json\", \"reportTo\": \"Https://example.no/feil\"}]}}\n";
  auto ok = LoadConfig(file);
  BOOST_REQUIRE_MESSAGE(ok.ok(), ok.status().message());
  BOOST_TEST(ok->group_sources.at(0).report_to == "MAILTO:feil@example.no");
  std::ofstream(file) << "{\"store\": {\"path\": \"s.db\"}, \"mappings\": {\"directory\": \"m\"}, \"auth\": {\"required\": false},\n"
                         " \"groups\": {\"sources\": [\n"
                         "  {\"name\": \"a\", \"type\": \"json\", \"path\": \"a.json\", \"reportTo\": \"tel:+4722000000\"},\n"
                         "  {\"name\": \"b\", \"type\": \"json\", \"path\": \"b.json\", \"reportTo\": \"javascript:alert(1)\"},\n"
                         "  {\"name\": \"c\", \"type\": \"json\", \"path\": \"c.json\", \"reportTo\": \"mailto:feil@example.no x\"}]}}\n";
  auto bad = LoadConfig(file);
  BOOST_REQUIRE(!bad.ok());
  const std::string& m = bad.status().message();
  const std::string f = file.string();
  for (const char* line : {":3: groups.sources[0].reportTo", ":4: groups.sources[1].reportTo", ":5: groups.sources[2].reportTo"}) {
    BOOST_TEST(m.find(f + line + ": expected a mailto: or http(s) URL") != std::string::npos, m);
  }
  fs::remove(file);
}

// The app's sessions in PostgreSQL are encrypted with store.sessionKey: required there, checked,
// never quoted back.
BOOST_AUTO_TEST_CASE(the_session_key_is_required_with_store_url_and_the_app_and_must_be_32_bytes) {
  fs::path file = fs::temp_directory_path() / "selvhjelp-session-key-config.json";
  auto load = [&file](const std::string& store, bool app) {
    std::ofstream(file) << "{\"mappings\": {\"directory\": \"m\"}, \"groups\": {\"sources\": []},\n"
                        << "  \"store\": {" << store << "},\n"
                        << "  \"auth\": {\"required\": false}"
                        << (app ? ", \"app\": {\"clientId\": \"c\", \"allowedIssuers\": [\"https://ehr.example/fhir\"], "
                                  "\"webDirectory\": \"web\"}"
                                : "")
                        << "}";
    return LoadConfig(file);
  };
  const std::string url = "\"url\": \"postgresql://db.example/selvhjelp\"";
  const std::string key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // bytes 0..31
  BOOST_TEST(load(url, false).ok());                  // no app: no sessions to keep
  BOOST_TEST(load("\"path\": \"s.db\"", true).ok());  // SQLite: sessions stay in memory
  auto missing = load(url, true);
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.status().message().find(file.string() + ":2: store.sessionKey: required with store.url") !=
                 std::string::npos,
             missing.status().message());
  auto with_key = load(url + ", \"sessionKey\": \"" + key + "\"", true);
  BOOST_REQUIRE_MESSAGE(with_key.ok(), with_key.status().message());
  BOOST_TEST(with_key->postgres.session_key.size() == 32u);
  BOOST_TEST(with_key->postgres.session_key[31] == '\x1f');
  for (const std::string bad : {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd", "not base64 at all, not at all....",
                                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", ""}) {
    auto refused = load(url + ",\n \"sessionKey\": \"" + bad + "\"", true);
    BOOST_REQUIRE(!refused.ok());
    const std::string& m = refused.status().message();
    BOOST_TEST(m.find(file.string() + ":3: store.sessionKey: expected " + (bad.empty() ? "a non-empty string" : "32 random bytes in Base64")) !=
                   std::string::npos,
               m);
    if (!bad.empty()) BOOST_TEST(m.find(bad) == std::string::npos, m);  // a secret is never quoted
  }
  fs::remove(file);
}
