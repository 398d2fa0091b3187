#include <boost/test/unit_test.hpp>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/service_config.h"

using selvhjelp::config::LoadConfig;
namespace fs = std::filesystem;

namespace {

// A minimal valid config whose records section is `records` (line 6), in its own folder.
struct ConfigFolder {
  explicit ConfigFolder(const std::string& records) {
    dir = fs::temp_directory_path() / ("selvhjelp-refs-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    file = dir / "config.json";
    std::ofstream(file) << "{\n"
                           "  \"store\": {\"path\": \"s.db\"},\n"
                           "  \"mappings\": {\"directory\": \"m\"},\n"
                           "  \"groups\": {\"sources\": []},\n"
                           "  \"auth\": {\"required\": false},\n"
                           "  \"records\": " << records << "\n"
                           "}\n";
  }
  ~ConfigFolder() { fs::remove_all(dir); }
  fs::path dir, file;
};

}  // namespace

BOOST_AUTO_TEST_CASE(values_come_from_the_environment_and_from_files) {
  ConfigFolder folder(R"({"fhirServer": "${env:SELVHJELP_TEST_EHR}/fhir", "auth": {"type": "bearer", "token": "${file:secrets/token}"}})");
  fs::create_directories(folder.dir / "secrets");
  std::ofstream(folder.dir / "secrets/token") << "s3cret-token\n";
  ::setenv("SELVHJELP_TEST_EHR", "https://ehr.example", 1);
  auto cfg = LoadConfig(folder.file);
  ::unsetenv("SELVHJELP_TEST_EHR");
  BOOST_REQUIRE_MESSAGE(cfg.ok(), cfg.status().message());
  BOOST_TEST(cfg->records.fhir_server == "https://ehr.example/fhir");
  BOOST_TEST(cfg->records.auth.bearer_token == "s3cret-token");  // the trailing newline dropped
}

BOOST_AUTO_TEST_CASE(a_literal_dollar_brace_is_written_doubled) {
  ConfigFolder folder(R"({"fhirServer": "https://ehr.example", "assemblerName": "a $${b} c"})");
  auto cfg = LoadConfig(folder.file);
  BOOST_REQUIRE_MESSAGE(cfg.ok(), cfg.status().message());
  BOOST_TEST(cfg->records.assembler_name == "a ${b} c");
}

BOOST_AUTO_TEST_CASE(unresolved_references_name_file_line_and_field_never_a_value) {
  ConfigFolder folder(R"({"fhirServer": "${env:SELVHJELP_TEST_UNSET}", "auth": {"type": "bearer", "token": "${file:/nonexistent/selvhjelp-token}"}, "assemblerName": "${vault:x}"})");
  ::unsetenv("SELVHJELP_TEST_UNSET");
  auto cfg = LoadConfig(folder.file);
  BOOST_REQUIRE(!cfg.ok());
  const std::string& m = cfg.status().message();
  const std::string at = folder.file.string() + ":6: ";
  BOOST_TEST(m.find(at + "records.fhirServer: environment variable SELVHJELP_TEST_UNSET is not set") != std::string::npos, m);
  BOOST_TEST(m.find(at + "records.auth.token: cannot read /nonexistent/selvhjelp-token") != std::string::npos, m);
  BOOST_TEST(m.find(at + "records.assemblerName: expected ${env:NAME} or ${file:PATH}") != std::string::npos, m);
}

BOOST_AUTO_TEST_CASE(a_secret_that_fails_validation_is_not_quoted) {
  ConfigFolder folder(R"({"fhirServer": "${env:SELVHJELP_TEST_SECRET}"})");
  ::setenv("SELVHJELP_TEST_SECRET", "ftp://user:hunter2@ehr.example", 1);
  auto cfg = LoadConfig(folder.file);
  ::unsetenv("SELVHJELP_TEST_SECRET");
  BOOST_REQUIRE(!cfg.ok());
  const std::string& m = cfg.status().message();
  BOOST_TEST(m.find(folder.file.string() + ":6: records.fhirServer: expected an https URL") != std::string::npos, m);
  BOOST_TEST(m.find("hunter2") == std::string::npos, m);
}

BOOST_AUTO_TEST_CASE(trusted_proxies_are_checked_item_by_item) {
  ConfigFolder folder(R"({"fhirServer": "https://ehr.example"}, "service": {"trustedProxies": ["10.0.0.0/8", "::1", "10.0.0.1/8", 7]})");
  auto cfg = LoadConfig(folder.file);
  BOOST_REQUIRE(!cfg.ok());
  const std::string& m = cfg.status().message();
  BOOST_TEST(m.find("service.trustedProxies[2]: the address has bits set after the prefix length") != std::string::npos, m);
  BOOST_TEST(m.find("service.trustedProxies[3]") != std::string::npos, m);
  ConfigFolder good(R"({"fhirServer": "https://ehr.example"}, "service": {"trustedProxies": ["10.0.0.0/8", "::1"]})");
  auto ok = LoadConfig(good.file);
  BOOST_REQUIRE_MESSAGE(ok.ok(), ok.status().message());
  BOOST_TEST(ok->trusted_proxies.size() == 2u);
  BOOST_TEST(ok->trusted_proxies[0].Contains("10.9.8.7"));
}
