// The page's record request becomes a record whose patient, practitioner and encounter come from
// the session; what the page says about them is ignored. The context names the relatives, each
// group's organisation number (for brokered contact) and the card the launch came from.
#include "plugin/app/app_view.h"

#include <boost/test/unit_test.hpp>

#include "fhir/json/json_reader.h"
#include "plugin/records/record_request.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;

namespace {
AppSession Session() {
  AppSession s;
  s.csrf = "csrf-token";
  s.context.patient = "pat-1";
  s.context.encounter = "enc-1";
  s.context.fhir_user = "Practitioner/prac-1";
  s.context.hpr_number = "9144889";
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_page_record_takes_who_from_the_session) {
  JsonValue page = *fhir::ParseJson(R"({"recipients":["Patient/pat-1"],"level":"brokered","response":"interested",
    "groups":["demo-bgo-aa-1"],"consent":{"organization":{"display":"Anonyme Alkoholikere","identifier":{"system":"urn:oid:2.16.578.1.12.4.1.4.101","value":"974760673"}}},
    "patient":{"reference":"Patient/someone-else"},"practitioner":{"reference":"Practitioner/impostor"}})");
  Result<JsonValue> record = RecordFromPage(Session(), page, "2026-11-28T10:00:00Z");
  BOOST_REQUIRE(record.ok());
  BOOST_TEST(record->FindPath({"patient"})->FindString("reference").value_or("") == "Patient/pat-1");
  BOOST_TEST(record->FindPath({"practitioner"})->FindString("reference").value_or("") == "Practitioner/prac-1");
  BOOST_TEST(record->FindPath({"practitioner", "identifier"})->FindString("value").value_or("") == "9144889");
  BOOST_TEST(record->FindPath({"encounter"})->FindString("reference").value_or("") == "Encounter/enc-1");
  // It is a valid record as POST /records reads it.
  Result<InformationRecord> parsed = ParseRecordRequest(*record, 1'795'860'000, 50);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  BOOST_TEST(!parsed->to_relatives);
  BOOST_TEST(parsed->level == "brokered");
  BOOST_TEST(parsed->practitioner.identifier_value == "9144889");
}

BOOST_AUTO_TEST_CASE(a_page_record_without_recipients_names_the_field) {
  Result<JsonValue> record = RecordFromPage(Session(), *fhir::ParseJson(R"({"level":"written"})"), "2026-11-28T10:00:00Z");
  BOOST_TEST(record.status().message().rfind("recipients: required", 0) == 0u);
  BOOST_TEST(RecordFromPage(Session(), *fhir::ParseJson(R"({"recipients":[1]})"), "x").status().message() ==
             "recipients[0]: expected a reference string");
}

BOOST_AUTO_TEST_CASE(the_context_names_relatives_organisation_numbers_and_the_launching_card) {
  AppSession session = Session();
  session.context.app_context = R"({"card":"0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6b"})";
  Group aa;
  aa.id = "bgo-aa-1";
  aa.source = "demo";
  aa.name = "AA Bergen";
  aa.organisation = "AA";
  aa.details.Edit().organisation_number = "310900109";
  Group na = aa;
  na.id = "bgo-na-1";
  na.organisation = "NA";
  na.details.Edit().organisation_number.clear();
  AppDecision app;
  app.decision.facts.in_scope = true;
  app.decision.language = "nb";
  RecipientDecision patient;
  patient.name = "patient";
  patient.refs = {"Patient/pat-1"};
  patient.groups.municipality = {&aa, &na};
  app.decision.recipients.push_back(patient);
  app.relatives = {{"RelatedPerson/rp-1", "Eva Prøvesen (søster)"}, {"RelatedPerson/rp-2", ""}};
  const JsonValue json = ContextJson(session, app, [](const Group&, const std::string&) { return std::string("tirsdager"); });
  BOOST_TEST((json.FindPath({"launch", "card"})->AsString() == "0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6b"));
  const JsonValue& groups = *json.Find("recipients")->items()[0].FindPath({"sections", "municipality"});
  BOOST_TEST((groups.items()[0].FindPath({"organisationIdentifier", "system"})->AsString() == "urn:oid:2.16.578.1.12.4.1.4.101"));
  BOOST_TEST((groups.items()[0].FindPath({"organisationIdentifier", "value"})->AsString() == "310900109"));
  BOOST_TEST(!groups.items()[1].Find("organisationIdentifier"));
  BOOST_TEST(!groups.items()[0].Find("stale"));  // without is_stale, never marked
  const JsonValue marked = ContextJson(session, app, [](const Group&, const std::string&) { return std::string(); },
                                       [](const Group& g) { return g.organisation == "NA"; });
  const JsonValue& listed = *marked.Find("recipients")->items()[0].FindPath({"sections", "municipality"});
  BOOST_TEST(!listed.items()[0].Find("stale"));
  BOOST_TEST((listed.items()[1].FindBool("stale") == true));
  const JsonValue& related = *json.Find("relatedPersons");
  BOOST_REQUIRE(related.items().size() == 2u);
  BOOST_TEST((related.items()[0].FindString("display") == "Eva Prøvesen (søster)"));
  BOOST_TEST(!related.items()[1].Find("display"));

  // Any other appContext names no card.
  for (const char* other : {"", "card=x", R"({"card":"not-a-uuid"})", R"(["0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6b"])"}) {
    BOOST_TEST(CardOfAppContext(other).empty(), other);
  }
}
