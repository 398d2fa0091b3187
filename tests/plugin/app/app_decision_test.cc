// The app's door: the EHR is read with the user's token by the hook's queries, and an EHR that
// cannot search Communications (DIPS Arena) still gets a decision from our own store.
#include "plugin/app/app_decision.h"

#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "fhir/json/json_reader.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = fs::path(SELVHJELP_SOURCE_DIR);

// Answers reads from a table of relative URL prefixes; anything else is refused with 403, as an
// EHR whose API has no such resource would.
class TableFhirClient : public fhir::FhirClient {
 public:
  std::map<std::string, std::string> answers;  // relative URL prefix -> JSON
  std::vector<std::pair<std::string, std::string>> seen;  // (relative URL, bearer token)
  void Read(const std::string&, const std::string& relative_url, const fhir::FhirReadOptions& options,
            Callback done) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen.push_back({relative_url, options.bearer_token});
    }
    for (const auto& [prefix, json] : answers) {
      if (relative_url.rfind(prefix, 0) == 0) return done(*fhir::ParseJson(json));
    }
    done(PermissionDeniedError("FHIR server answered 403"));
  }

 private:
  std::mutex mutex_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(an_ehr_without_communication_search_still_gets_a_decision) {
  const fs::path dir = fs::temp_directory_path() / ("selvhjelp-app-decision-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto diagnoses = *mappings::DiagnosisTable::Load({kRoot / "mappings/data/substance-use-diagnoses.json"}, {});
  auto geography = *mappings::Geography::Load(kRoot / "mappings/data/geography.json");
  auto texts = *mappings::TextCatalog::Load(kRoot / "mappings/data/texts.json");
  config::ServiceConfig config;
  auto ledger = std::move(Ledger::Open(dir / "store.db")).value();
  config::GroupSourceConfig source;
  source.name = "demo";
  source.type = "json";
  source.path = kRoot / "config/demo/groups.json";
  LiveDirectory directory({source}, SourceReaders{}, nullptr, [] { return int64_t{1'800'000'000}; });
  BOOST_REQUIRE(directory.LoadAll().empty());

  TableFhirClient ehr;
  ehr.answers["Patient/pat-1"] = R"({"resourceType":"Patient","id":"pat-1","address":[{"use":"home","city":"Bergen"}]})";
  ehr.answers["Condition?patient=pat-1"] = R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{
    "resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]},
    "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-no","code":"F10.2"}]}}}]})";
  LaunchContext launch;
  launch.iss = "https://ehr.example/fhir";
  launch.access_token = "user-token";
  launch.patient = "pat-1";
  launch.fhir_user = "Practitioner/prac-1";
  std::optional<Result<AppDecision>> result;
  DecideForApp(launch, DecisionDeps{&config, &diagnoses, &geography, &texts, &directory, ledger.get(), nullptr,
                                    [] { return int64_t{1'800'000'000}; }},
               ehr, fhir::FhirReadOptions{}, "nn", [&](Result<AppDecision> r) { result = std::move(r); });
  BOOST_REQUIRE(result.has_value());  // the table client answers at once
  BOOST_REQUIRE_MESSAGE(result->ok(), result->status().message());
  const PatientDecision& d = (*result)->decision;
  BOOST_TEST(d.facts.in_scope);
  BOOST_TEST(d.language == "nn");
  BOOST_TEST(d.municipality_name == "Bergen");
  BOOST_REQUIRE(d.recipients.size() == 1u);  // no relatives readable: the patient only
  BOOST_TEST(d.recipients[0].offer);
  BOOST_TEST(d.recipients[0].groups.size() > 0u);
  bool asked_for_records = false;
  for (const auto& [url, token] : ehr.seen) {
    BOOST_TEST(token == "user-token", url);  // every read with the user's own token
    asked_for_records = asked_for_records || url.rfind("Communication?", 0) == 0;
  }
  BOOST_TEST(asked_for_records);  // asked, refused, and decided without it
  BOOST_TEST(d.ehr_records_unknown);  // and the page is told so
  BOOST_TEST((*result)->relatives.empty());

  // The page's language: the launch's locale, then the practitioner's profile, then the browser.
  ehr.answers["Practitioner/prac-1"] = R"({"resourceType":"Practitioner","id":"prac-1",
    "communication":[{"coding":[{"system":"urn:ietf:bcp:47","code":"en"}]}]})";
  ehr.answers["RelatedPerson?patient=pat-1"] = R"({"resourceType":"Bundle","type":"searchset","entry":[
    {"resource":{"resourceType":"RelatedPerson","id":"rp-1","active":true,"patient":{"reference":"Patient/pat-1"},
      "name":[{"family":"Prøvesen","given":["Eva"]}],"relationship":[{"text":"søster"}]}},
    {"resource":{"resourceType":"RelatedPerson","id":"rp-2","active":false,"patient":{"reference":"Patient/pat-1"}}},
    {"resource":{"resourceType":"RelatedPerson","id":"rp-3","patient":{"reference":"Patient/pat-1"}}}]})";
  auto language = [&](const std::string& locale, const std::string& accept) {
    launch.locale = locale;
    result.reset();
    DecideForApp(launch, DecisionDeps{&config, &diagnoses, &geography, &texts, &directory, ledger.get(), nullptr,
                                      [] { return int64_t{1'800'000'000}; }},
                 ehr, fhir::FhirReadOptions{}, accept, [&](Result<AppDecision> r) { result = std::move(r); });
    BOOST_REQUIRE(result.has_value() && result->ok());
    return (*result)->decision.language;
  };
  BOOST_TEST(language("nn-NO", "nb") == "nn");  // the launch's locale first
  BOOST_TEST(language("", "nn") == "en");       // then the practitioner's profile
  BOOST_TEST(language("fr-FR", "nn") == "en");  // a locale we have no text for does not count
  // The relatives the page names: active ones, with their name and relationship when given.
  BOOST_REQUIRE((*result)->relatives.size() == 2u);
  BOOST_TEST((*result)->relatives[0].reference == "RelatedPerson/rp-1");
  BOOST_TEST((*result)->relatives[0].display == "Eva Prøvesen (søster)");
  BOOST_TEST((*result)->relatives[1].reference == "RelatedPerson/rp-3");
  BOOST_TEST((*result)->relatives[1].display.empty());
  ehr.answers.erase("Practitioner/prac-1");
  BOOST_TEST(language("", "nn,en;q=0.5") == "nn");  // and last the browser's Accept-Language
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_patient_the_ehr_will_not_show_is_a_failed_precondition) {
  TableFhirClient ehr;  // refuses everything
  LaunchContext launch;
  launch.iss = "https://ehr.example/fhir";
  launch.access_token = "user-token";
  launch.patient = "pat-1";
  config::ServiceConfig config;
  std::optional<Result<AppDecision>> result;
  DecideForApp(launch, DecisionDeps{&config, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, [] { return int64_t{0}; }},
               ehr, fhir::FhirReadOptions{}, "", [&](Result<AppDecision> r) { result = std::move(r); });
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(static_cast<int>(result->status().code()) == static_cast<int>(StatusCode::kFailedPrecondition));
}
