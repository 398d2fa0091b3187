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
  std::optional<Result<PatientDecision>> result;
  DecideForApp(launch, DecisionDeps{&config, &diagnoses, &geography, &texts, &directory, ledger.get(), nullptr,
                                    [] { return int64_t{1'800'000'000}; }},
               ehr, fhir::FhirReadOptions{}, "nn", [&](Result<PatientDecision> r) { result = std::move(r); });
  BOOST_REQUIRE(result.has_value());  // the table client answers at once
  BOOST_REQUIRE_MESSAGE(result->ok(), result->status().message());
  const PatientDecision& d = **result;
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
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_patient_the_ehr_will_not_show_is_a_failed_precondition) {
  TableFhirClient ehr;  // refuses everything
  LaunchContext launch;
  launch.iss = "https://ehr.example/fhir";
  launch.access_token = "user-token";
  launch.patient = "pat-1";
  config::ServiceConfig config;
  std::optional<Result<PatientDecision>> result;
  DecideForApp(launch, DecisionDeps{&config, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, [] { return int64_t{0}; }},
               ehr, fhir::FhirReadOptions{}, "", [&](Result<PatientDecision> r) { result = std::move(r); });
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(static_cast<int>(result->status().code()) == static_cast<int>(StatusCode::kFailedPrecondition));
}
