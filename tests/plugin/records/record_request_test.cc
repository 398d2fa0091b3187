// Reading records of information given: identifiers, fields, the operation form.
#include "plugin/records/record_request.h"

#include <boost/test/unit_test.hpp>

#include "fhir/json/json_reader.h"
#include "plugin/records/norwegian_ids.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;

namespace {
constexpr int64_t kNow = 1'795'000'000;  // 2026-11-18
// Synthetic fødselsnummer (Test-Norge form, month + 80) and a D-nummer; never real people.
constexpr const char* kSyntheticFnr = "13896900425";
JsonValue J(const std::string& text) { return *fhir::ParseJson(text); }

JsonValue Valid() {
  return J(R"({"id": "0190A000-0000-7000-8000-00000000000A",
    "patient": {"reference": "Patient/p1", "identifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.1", "value": ")" +
           std::string(kSyntheticFnr) + R"("}},
    "practitioner": {"reference": "Practitioner/d1", "identifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.4", "value": "9144889"}},
    "encounter": {"reference": "Encounter/e1"}, "sent": "2026-11-18T10:00:00+01:00",
    "level": "conversation", "response": "thinking", "groups": ["demo-bgo-aa-1"]})");
}

std::string ErrorOf(JsonValue body) {
  auto r = ParseRecordRequest(body, kNow, 50);
  return r.ok() ? "" : r.status().message();
}
}  // namespace

BOOST_AUTO_TEST_CASE(person_organisation_and_register_numbers) {
  BOOST_TEST(IsValidPersonNumber(kSyntheticFnr));
  BOOST_TEST(!IsValidPersonNumber("13896900426"));  // a check digit off
  BOOST_TEST(!IsValidPersonNumber("1389690049"));
  BOOST_TEST(!IsValidPersonNumber("32896900425"));  // day 32
  BOOST_TEST(IsValidOrganisationNumber("974760673"));
  BOOST_TEST(!IsValidOrganisationNumber("974760674"));
  BOOST_TEST(IsShortRegisterNumber("9144889"));
  BOOST_TEST(!IsShortRegisterNumber("91448891234"));
  BOOST_TEST(!IsShortRegisterNumber("91a"));
}

BOOST_AUTO_TEST_CASE(a_valid_record_is_read_with_its_id_lowercased) {
  auto r = ParseRecordRequest(Valid(), kNow, 50);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->id == "0190a000-0000-7000-8000-00000000000a");
  BOOST_TEST(r->patient.identifier_value == kSyntheticFnr);
  BOOST_TEST(r->recipients.size() == 1u);  // the patient, by default
  BOOST_TEST(r->recipients[0].reference == "Patient/p1");
  BOOST_TEST(!r->to_relatives);
  BOOST_TEST(r->encounter_id == "e1");
  BOOST_TEST(r->sent_seconds == 1'794'992'400);  // 09:00Z that day
  BOOST_TEST(NeedsProcedure(*r));
  BOOST_TEST(!NeedsConsent(*r));
}

BOOST_AUTO_TEST_CASE(missing_id_gets_a_uuid_and_missing_sent_is_now) {
  JsonValue body = Valid();
  body.Erase("id");
  body.Erase("sent");
  auto r = ParseRecordRequest(body, kNow, 50);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->id.size() == 36u);
  BOOST_TEST(r->sent_seconds == kNow);
  BOOST_TEST(r->sent == "2026-11-18T11:06:40Z");
}

BOOST_AUTO_TEST_CASE(every_bad_field_is_named) {
  auto with = [](const char* key, const std::string& json) {
    JsonValue body = Valid();
    body.Set(key, J(json));
    return ErrorOf(body);
  };
  BOOST_TEST(with("level", R"("referral")").rfind("level:", 0) == 0);
  BOOST_TEST(with("response", R"("maybe")").rfind("response:", 0) == 0);
  BOOST_TEST(with("patient", R"({"reference": "Patient/"})").rfind("patient.reference:", 0) == 0);
  BOOST_TEST(with("patient", R"({"reference": "Patient/p", "identifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.1", "value": "13896900426"}})")
                 .rfind("patient.identifier.value:", 0) == 0);
  BOOST_TEST(with("patient", R"({"reference": "Patient/p", "identifier": {"system": "urn:oid:1.2.3", "value": "1"}})")
                 .rfind("patient.identifier.system:", 0) == 0);
  BOOST_TEST(with("recipient", R"([{"reference": "RelatedPerson/r1"}, {"reference": "Patient/p1"}])")
                 .rfind("recipient[1]:", 0) == 0);
  BOOST_TEST(with("sent", R"("2026-11-18T10:00")").rfind("sent:", 0) == 0);
  BOOST_TEST(with("sent", R"("2026-11-19T10:00:00Z")") == "sent: is in the future");
  BOOST_TEST(with("groups", R"(["has space"])").rfind("groups[0]:", 0) == 0);
  BOOST_TEST(with("suggestion", R"("0190a000-0000-7000-8000-00000000000b")").rfind("suggestion:", 0) == 0);
  BOOST_TEST(with("consent", R"({"organization": {"display": "AA"}})") == "consent: only for level brokered");
  BOOST_TEST(with("level", R"("brokered")").rfind("consent.organization:", 0) == 0);
  BOOST_TEST(with("color", R"("blue")") == "color: unknown field");
  JsonValue no_practitioner = Valid();
  no_practitioner.Erase("practitioner");
  BOOST_TEST(ErrorOf(no_practitioner).rfind("practitioner: required", 0) == 0);
}

BOOST_AUTO_TEST_CASE(brokered_needs_a_named_organisation_and_the_patient) {
  JsonValue body = Valid();
  body.Set("level", "brokered");
  body.Set("consent", J(R"({"organization": {"identifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.101", "value": "974760673"}}})"));
  BOOST_TEST(ErrorOf(body).rfind("consent.organization.display:", 0) == 0);
  body.Set("consent", J(R"({"organization": {"identifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.101", "value": "974760673"}, "display": "AA"}})"));
  auto r = ParseRecordRequest(body, kNow, 50);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(NeedsConsent(*r));
  BOOST_TEST(r->consent_shares.empty());
  body.Set("consent", J(R"({"organization": {"identifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.101", "value": "974760673"}, "display": "AA"}, "shares": "name-and-phone"})"));
  r = ParseRecordRequest(body, kNow, 50);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->consent_shares == "name-and-phone");
  body.Set("consent", J(R"({"organization": {"identifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.101", "value": "974760673"}, "display": "AA"}, "shares": "address", "colour": 1})"));
  const Status both = ParseRecordRequest(body, kNow, 50).status();
  BOOST_REQUIRE(both.issues().size() == 2u);
  BOOST_TEST(both.issues()[0].expression == "consent.colour");
  BOOST_TEST(both.issues()[1].expression == "consent.shares");
  body.Set("consent", J(R"({"organization": {"identifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.101", "value": "974760673"}, "display": "AA"}})"));
  body.Set("recipient", J(R"([{"reference": "RelatedPerson/r1"}])"));
  BOOST_TEST(ErrorOf(body).rfind("level: brokered contact is recorded for the patient", 0) == 0);
}

BOOST_AUTO_TEST_CASE(parameters_become_the_same_body) {
  auto body = RecordRequestFromParameters(J(R"({"resourceType": "Parameters", "parameter": [
    {"name": "patient", "valueReference": {"reference": "Patient/p1"}},
    {"name": "practitioner", "valueReference": {"reference": "Practitioner/d1"}},
    {"name": "level", "valueCode": "brokered"}, {"name": "response", "valueCode": "interested"},
    {"name": "group", "valueString": "a"}, {"name": "group", "valueString": "b"},
    {"name": "consentOrganization", "valueReference": {"display": "LINK Bergen", "identifier": {"system": "urn:oid:2.16.578.1.12.4.1.4.102", "value": "4001"}}},
    {"name": "consentShares", "valueCode": "name-only"}]})"));
  BOOST_REQUIRE(body.ok());
  BOOST_TEST(body->Find("groups")->items().size() == 2u);
  auto r = ParseRecordRequest(*body, kNow, 50);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->consent_organisation.identifier_value == "4001");
  BOOST_TEST(r->consent_shares == "name-only");
  auto unknown = RecordRequestFromParameters(J(R"({"resourceType": "Parameters", "parameter": [{"name": "colour", "valueString": "x"}]})"));
  BOOST_TEST(unknown.status().message() == "parameter[0].name: unknown parameter 'colour'");
  auto twice = RecordRequestFromParameters(J(R"({"resourceType": "Parameters", "parameter": [{"name": "level", "valueCode": "written"}, {"name": "level", "valueCode": "written"}]})"));
  BOOST_TEST(twice.status().message() == "parameter[1]: 'level' given twice");
  BOOST_TEST(!RecordRequestFromParameters(J(R"({"resourceType": "Patient"})")).ok());
}

BOOST_AUTO_TEST_CASE(three_bad_fields_are_three_issues) {
  JsonValue body = Valid();
  body.Erase("practitioner");
  body.Set("level", "referral");
  body.Set("groups", J(R"(["ok-id", "has space"])"));
  auto r = ParseRecordRequest(body, kNow, 50);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.status().code() == StatusCode::kInvalidArgument));
  const std::vector<Issue>& issues = r.status().issues();
  BOOST_REQUIRE(issues.size() == 3u);
  BOOST_TEST(issues[0].expression == "practitioner");
  BOOST_TEST(issues[0].code == "required");
  BOOST_TEST(issues[1].expression == "level");
  BOOST_TEST(issues[1].code == "invalid");
  BOOST_TEST(issues[2].expression == "groups[1]");
  BOOST_TEST(r.status().message() ==
             "practitioner: required (the health worker who informed)\n"
             "level: expected written, conversation or brokered\n"
             "groups[1]: expected a HealthcareService id");
}

BOOST_AUTO_TEST_CASE(the_groups_of_one_record_are_capped) {
  JsonValue body = Valid();
  JsonValue groups = JsonValue::Array();
  for (int i = 0; i < 4; ++i) groups.Append(JsonValue::String("g" + std::to_string(i)));
  body.Set("groups", groups);
  BOOST_TEST(ParseRecordRequest(body, kNow, 4).ok());
  groups.Append(JsonValue::String("g4"));
  body.Set("groups", groups);
  auto over = ParseRecordRequest(body, kNow, 4);
  BOOST_REQUIRE(!over.ok());
  BOOST_REQUIRE(over.status().issues().size() == 1u);  // one issue for the list, not one per id
  BOOST_TEST(over.status().issues()[0].expression == "groups");
  BOOST_TEST(over.status().message() == "groups: at most 4 groups in one record (records.maxGroupsPerRecord)");
}
