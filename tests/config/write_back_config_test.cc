// records.writeBack and records.document: the modes, what document mode requires, and the config
// snippets of docs/ehr-families.md, which must load as written.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/service_config.h"

using selvhjelp::config::LoadConfig;
namespace fs = std::filesystem;

namespace {

// A minimal valid config with `records` (an object's members, without braces) added.
fs::path WriteConfig(const std::string& name, const std::string& records_members) {
  fs::path file = fs::temp_directory_path() / name;
  std::ofstream(file) << "{\n  \"store\": {\"path\": \"s.db\"}, \"mappings\": {\"directory\": \"m\"},\n"
                         "  \"groups\": {\"sources\": []}, \"auth\": {\"required\": false},\n"
                      << records_members << "\n}\n";
  return file;
}

}  // namespace

BOOST_AUTO_TEST_CASE(write_back_defaults_to_communication) {
  fs::path file = WriteConfig("selvhjelp-wb-default.json", R"("records": {"fhirServer": "https://ehr.example/fhir"})");
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE_MESSAGE(cfg.ok(), cfg.status().message());
  BOOST_TEST(cfg->records.write_back == "communication");
  BOOST_TEST(cfg->records.auth.scope.find("system/Communication.crus") != std::string::npos);
  fs::remove(file);
}

BOOST_AUTO_TEST_CASE(document_mode_reads_its_codes_and_asks_for_document_scopes) {
  fs::path file = WriteConfig("selvhjelp-wb-document.json", R"("records": {"fhirServer": "https://ehr.example/fhir",
    "writeBack": "document",
    "document": {"type": {"system": "http://dips.no/fhir/CodeSystem/dips-documenttypeid", "code": "1234", "display": "Notat"},
                 "category": {"system": "http://loinc.org", "code": "11488-4"},
                 "custodian": "Organization/hf1", "language": "nn"}})");
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE_MESSAGE(cfg.ok(), cfg.status().message());
  BOOST_TEST(cfg->records.write_back == "document");
  BOOST_TEST(cfg->records.document.type.code == "1234");
  BOOST_TEST(cfg->records.document.type.display == "Notat");
  BOOST_TEST(cfg->records.document.category.system == "http://loinc.org");
  BOOST_TEST(cfg->records.document.custodian == "Organization/hf1");
  BOOST_TEST(cfg->records.document.language == "nn");
  BOOST_TEST(cfg->records.auth.scope == "system/DocumentReference.crus system/Binary.cu");
  fs::remove(file);
}

BOOST_AUTO_TEST_CASE(each_write_back_problem_is_named) {
  fs::path file = WriteConfig("selvhjelp-wb-bad.json", R"("records": {"fhirServer": "https://ehr.example/fhir",
    "writeBack": "document", "document": {"custodian": "hf1", "category": {"code": "x"}, "colour": 1}})");
  auto cfg = LoadConfig(file);
  BOOST_REQUIRE(!cfg.ok());
  std::vector<std::string> expressions;
  for (const selvhjelp::Issue& issue : cfg.status().issues()) expressions.push_back(issue.expression);
  for (const char* field : {"records.document.type", "records.document.custodian", "records.document.category.system",
                            "records.document.colour"}) {
    BOOST_TEST((std::find(expressions.begin(), expressions.end(), field) != expressions.end()), field);
  }
  fs::remove(file);

  fs::path mode = WriteConfig("selvhjelp-wb-mode.json", R"("records": {"fhirServer": "https://ehr.example/fhir", "writeBack": "pdf"})");
  auto refused = LoadConfig(mode);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.status().message().find(":4: records.writeBack: expected communication, document or none") !=
                 std::string::npos,
             refused.status().message());
  fs::remove(mode);
}

BOOST_AUTO_TEST_CASE(the_config_snippets_of_the_ehr_integration_guide_load) {
  std::ifstream doc(fs::path(SELVHJELP_SOURCE_DIR) / "docs/ehr-families.md");
  std::stringstream text;
  text << doc.rdbuf();
  const std::string guide = text.str();
  int snippets = 0;
  for (size_t at = guide.find("```json\n{\n  \"records\""); at != std::string::npos;
       at = guide.find("```json\n{\n  \"records\"", at + 1)) {
    const size_t start = at + 8;
    const size_t end = guide.find("```", start);
    std::string snippet = guide.substr(start, end - start);
    snippet = snippet.substr(snippet.find('{') + 1);
    snippet = snippet.substr(0, snippet.rfind('}'));
    fs::path file = WriteConfig("selvhjelp-guide-" + std::to_string(snippets) + ".json", snippet);
    auto cfg = LoadConfig(file);
    BOOST_TEST(cfg.ok(), "snippet " << snippets << ": " << cfg.status().message());
    fs::remove(file);
    ++snippets;
  }
  BOOST_TEST(snippets >= 3);
}
