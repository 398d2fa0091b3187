// The one decision both doors use (hooks and the clinician app): scope, the offer intervals over
// local records, and which recipients get their groups chosen.
#include "plugin/cds/patient_decision.h"

#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
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
    d.Set("conditions", *fhir::ParseJson(R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition",
      "clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-no","code":")" + code + R"("}]}}}]})"));
    d.Set("patient", *fhir::ParseJson(R"({"resourceType":"Patient","id":"p1","address":[{"use":"home","city":"Bergen","postalCode":"5003"}]})"));
    d.Set("relatedPersons", *fhir::ParseJson(R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"RelatedPerson",
      "id":"rp1","active":true,"patient":{"reference":"Patient/p1"}}}]})"));
    return d;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(out_of_scope_decides_nothing_else, World) {
  PatientDecision d = DecidePatient(Deps(), Data("F17.1"), "https://ehr.example", "p1", "", "", Prompt::kDuringTreatment, GroupsFor::kAll);
  BOOST_TEST(!d.facts.in_scope);
  BOOST_TEST(d.recipients.empty());
}

BOOST_FIXTURE_TEST_CASE(a_recorded_patient_is_not_offered_again_but_the_app_still_sees_the_groups, World) {
  PatientDecision first = DecidePatient(Deps(), Data("F10.2"), "https://ehr.example", "p1", "", "en", Prompt::kDuringTreatment, GroupsFor::kOffered);
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
                                                LocalOutcome{"accepted", "", "", now}, now * 1000, {}}).ok());
  now += 3600;
  PatientDecision hook = DecidePatient(Deps(), Data("F10.2"), "https://ehr.example", "p1", "", "", Prompt::kDuringTreatment, GroupsFor::kOffered);
  BOOST_TEST(!hook.recipients[0].offer);
  BOOST_REQUIRE(hook.recipients[0].local_record.has_value());
  BOOST_TEST(hook.recipients[0].local_record->outcome == "accepted");
  BOOST_TEST(hook.recipients[0].groups.size() == 0u);  // a card is not built: no groups chosen
  BOOST_TEST(hook.recipients[1].offer);                // the relatives were not informed yet
  PatientDecision app = DecidePatient(Deps(), Data("F10.2"), "https://ehr.example", "p1", "", "", Prompt::kDuringTreatment, GroupsFor::kAll);
  BOOST_TEST(!app.recipients[0].offer);
  BOOST_TEST(app.recipients[0].groups.size() == first.recipients[0].groups.size());  // the same groups, in the same order
  BOOST_TEST(app.recipients[0].groups.InOrder() == first.recipients[0].groups.InOrder());
}

BOOST_FIXTURE_TEST_CASE(without_the_ehrs_records_the_decision_says_it_used_ours_alone, World) {
  ResolvedData data = Data("F10.2");  // no informationRecords: the EHR could not give them
  PatientDecision unknown = DecidePatient(Deps(), data, "https://ehr.example", "p1", "", "", Prompt::kDuringTreatment, GroupsFor::kOffered);
  BOOST_TEST(unknown.ehr_records_unknown);
  data.Set("informationRecords", fhir::JsonValue());  // none there
  PatientDecision known = DecidePatient(Deps(), data, "https://ehr.example", "p1", "", "", Prompt::kDuringTreatment, GroupsFor::kOffered);
  BOOST_TEST(!known.ehr_records_unknown);
  data.Set("informationRecords", *fhir::ParseJson(R"({"resourceType":"OperationOutcome"})"));  // an error in its place
  BOOST_TEST(DecidePatient(Deps(), data, "https://ehr.example", "p1", "", "", Prompt::kDuringTreatment, GroupsFor::kOffered).ehr_records_unknown);
}

namespace {

// A Communication of ours to the patient, `days_ago` days before `now`, with `response`.
fhir::JsonValue EhrRecord(int64_t now, int days_ago, const std::string& response) {
  const int64_t day = now / 86400 - days_ago;
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return *fhir::ParseJson(std::string(R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{
    "resourceType":"Communication","status":"completed","sent":")") + date + R"(T10:00:00+01:00",
    "category":[{"coding":[{"system":"https://selvhjelp.example/fhir/CodeSystem/selvhjelp-category","code":"self-help-information"}]}],
    "extension":[{"url":"https://selvhjelp.example/fhir/StructureDefinition/patient-response",
      "valueCoding":{"system":"https://selvhjelp.example/fhir/CodeSystem/patient-response","code":")" + response + R"("}}],
    "recipient":[{"reference":"Patient/p1"}]}}]})");
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(of_the_ehrs_record_and_ours_the_newer_decides, World) {
  const std::string key = ledger->SubjectKey("https://ehr.example", "p1");
  // Accepted here 200 days ago (informed: 365 days), declined in the EHR 100 days ago (90 days):
  // the decline is newer, and its interval is over.
  BOOST_REQUIRE(outbox->Enqueue(NewOutboxRecord{"r1", "h", "{}", key, "patient",
                                                LocalOutcome{"accepted", "", "", now - 200 * 86400}, now * 1000, {}}).ok());
  ResolvedData data = Data("F10.2");
  data.Set("informationRecords", EhrRecord(now, 100, "declined"));
  PatientDecision newer_ehr = DecidePatient(Deps(), data, "https://ehr.example", "p1", "", "", Prompt::kDuringTreatment, GroupsFor::kOffered);
  BOOST_TEST(newer_ehr.recipients[0].offer);
  BOOST_TEST(!newer_ehr.recipients[0].local_record.has_value());
  // Declined in the EHR 100 days ago, informed here 10 days ago: ours is newer and holds the card.
  BOOST_REQUIRE(outbox->Enqueue(NewOutboxRecord{"r2", "h", "{}", key, "patient",
                                                LocalOutcome{"accepted", "", "", now - 10 * 86400}, now * 1000, {}}).ok());
  PatientDecision newer_ours = DecidePatient(Deps(), data, "https://ehr.example", "p1", "", "", Prompt::kDuringTreatment, GroupsFor::kOffered);
  BOOST_TEST(!newer_ours.recipients[0].offer);
  BOOST_TEST(!newer_ours.recipients[0].ehr_record.has_value());
  // Marked entered-in-error, ours no longer counts: the EHR's (over) decline decides again.
  BOOST_REQUIRE(outbox->MarkEnteredInError("r2", now * 1000, [](const std::string&) { return Result<std::string>("{}"); }).ok());
  BOOST_TEST(DecidePatient(Deps(), data, "https://ehr.example", "p1", "", "", Prompt::kDuringTreatment, GroupsFor::kOffered).recipients[0].offer);
}
