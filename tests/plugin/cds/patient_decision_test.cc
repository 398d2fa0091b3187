// The one decision both doors use (hooks and the clinician app): scope, the offer intervals over
// local records, and which recipients get their groups chosen.
#include "plugin/cds/patient_decision.h"

#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <filesystem>

#include "fhir/json/json_reader.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = fs::path(SELVHJELP_SOURCE_DIR);

struct World {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-decision-" + std::to_string(::getpid()));
  mappings::DiagnosisTable diagnoses = *mappings::DiagnosisTable::Load({kRoot / "mappings/data/substance-use-diagnoses.json"}, {});
  mappings::Geography geography = *mappings::Geography::Load(kRoot / "mappings/data/geography.json");
  mappings::TextCatalog texts = *mappings::TextCatalog::Load(kRoot / "mappings/data/texts.json");
  config::ServiceConfig config;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<LiveDirectory> directory;
  int64_t now = 1'800'000'000;
  World() {
    fs::remove_all(dir);
    ledger = std::move(Ledger::Open(dir / "store.db")).value();
    outbox = std::move(Outbox::Open(dir / "store.db")).value();
    config::GroupSourceConfig source;
    source.name = "demo";
    source.type = "json";
    source.path = kRoot / "config/demo/groups.json";
    directory = std::make_unique<LiveDirectory>(std::vector<config::GroupSourceConfig>{source}, SourceReaders{}, nullptr,
                                                [this] { return now; });
    BOOST_REQUIRE(directory->LoadAll().empty());
  }
  ~World() { fs::remove_all(dir); }
  DecisionDeps Deps() {
    return {&config, &diagnoses, &geography, &texts, directory.get(), ledger.get(), outbox.get(), [this] { return now; }};
  }
  ResolvedData Data(const std::string& code) {
    ResolvedData d;
    d["conditions"] = *fhir::ParseJson(R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition",
      "clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-no","code":")" + code + R"("}]}}}]})");
    d["patient"] = *fhir::ParseJson(R"({"resourceType":"Patient","id":"p1","address":[{"use":"home","city":"Bergen","postalCode":"5003"}]})");
    d["relatedPersons"] = *fhir::ParseJson(R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"RelatedPerson",
      "id":"rp1","active":true,"patient":{"reference":"Patient/p1"}}}]})");
    return d;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(out_of_scope_decides_nothing_else, World) {
  PatientDecision d = DecidePatient(Deps(), Data("F17.1"), "https://ehr.example", "p1", "", "", GroupsFor::kAll);
  BOOST_TEST(!d.facts.in_scope);
  BOOST_TEST(d.recipients.empty());
}

BOOST_FIXTURE_TEST_CASE(a_recorded_patient_is_not_offered_again_but_the_app_still_sees_the_groups, World) {
  PatientDecision first = DecidePatient(Deps(), Data("F10.2"), "https://ehr.example", "p1", "", "en", GroupsFor::kOffered);
  BOOST_REQUIRE(first.facts.in_scope);
  BOOST_TEST(first.language == "en");
  BOOST_TEST(first.municipality_name == "Bergen");
  BOOST_REQUIRE(first.recipients.size() == 2u);  // the patient and the relatives
  BOOST_TEST(first.recipients[0].offer);
  BOOST_TEST(first.recipients[0].groups.size() > 0u);
  BOOST_TEST(first.recipients[1].name == "relatives");
  BOOST_TEST(first.recipients[1].refs == std::vector<std::string>{"RelatedPerson/rp1"});
  // Information given to the patient is recorded (through the outbox, not yet in the EHR).
  BOOST_REQUIRE(outbox->Enqueue(NewOutboxRecord{"r1", "h", "{}", first.subject_key, "patient",
                                                LocalOutcome{"accepted", "", "", now}, now * 1000}).ok());
  now += 3600;
  PatientDecision hook = DecidePatient(Deps(), Data("F10.2"), "https://ehr.example", "p1", "", "", GroupsFor::kOffered);
  BOOST_TEST(!hook.recipients[0].offer);
  BOOST_REQUIRE(hook.recipients[0].local_record.has_value());
  BOOST_TEST(hook.recipients[0].local_record->outcome == "accepted");
  BOOST_TEST(hook.recipients[0].groups.size() == 0u);  // a card is not built: no groups chosen
  BOOST_TEST(hook.recipients[1].offer);                // the relatives were not informed yet
  PatientDecision app = DecidePatient(Deps(), Data("F10.2"), "https://ehr.example", "p1", "", "", GroupsFor::kAll);
  BOOST_TEST(!app.recipients[0].offer);
  BOOST_TEST(app.recipients[0].groups.size() == first.recipients[0].groups.size());  // the same groups, in the same order
  BOOST_TEST(app.recipients[0].groups.InOrder() == first.recipients[0].groups.InOrder());
}
