// The transaction a record becomes: which resources, how they link, how retries stay idempotent.
#include "plugin/records/record_bundle.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "fhir/json/json_writer.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;

namespace {
const std::filesystem::path kData = std::filesystem::path(SELVHJELP_SOURCE_DIR) / "mappings/data";

InformationRecord Record(const std::string& level) {
  InformationRecord r;
  r.id = "0190a000-0000-7000-8000-00000000000a";
  r.patient = {"Patient/p1", "", "", ""};
  r.recipients = {{"Patient/p1", "", "", ""}};
  r.practitioner = {"Practitioner/d1", "urn:oid:2.16.578.1.12.4.1.4.4", "9144889", "Dr Test"};
  r.encounter_id = "e1";
  r.sent = "2026-11-18T10:00:00+01:00";
  r.level = level;
  r.response = "declined";
  r.groups = {{"demo|bgo-aa-1", "AA Bergen sentrum", "AA"}};
  if (level == "brokered") {
    r.consent_organisation = {"", "urn:oid:2.16.578.1.12.4.1.4.101", "974760673", "AA Norge"};
    r.consent_shares = "name-and-email";
  }
  return r;
}

std::vector<std::string> Types(const JsonValue& bundle) {
  std::vector<std::string> types;
  for (const JsonValue& e : bundle.Find("entry")->items()) types.emplace_back(*e.FindPath({"resource"})->FindString("resourceType"));
  return types;
}

const JsonValue& Resource(const JsonValue& bundle, const std::string& type) {
  for (const JsonValue& e : bundle.Find("entry")->items()) {
    if (e.FindPath({"resource"})->FindString("resourceType") == type) return *e.Find("resource");
  }
  throw std::runtime_error("no " + type);
}

const JsonValue& Entry(const JsonValue& bundle, const std::string& type) {
  for (const JsonValue& e : bundle.Find("entry")->items()) {
    if (e.FindPath({"resource"})->FindString("resourceType") == type) return e;
  }
  throw std::runtime_error("no " + type);
}

struct Fixture {
  mappings::RecordCodes codes = *mappings::RecordCodes::Load(kData / "record-codes.json");
  BundleContext context{&codes, "selvhjelp", 1'795'000'000};
};
}  // namespace

BOOST_FIXTURE_TEST_CASE(written_material_is_a_communication_and_its_provenance, Fixture) {
  JsonValue bundle = BuildRecordBundle(Record("written"), context);
  BOOST_TEST((bundle.FindString("type") == "transaction"));
  BOOST_TEST((Types(bundle) == std::vector<std::string>{"Communication", "Provenance"}));
  const JsonValue& c = Resource(bundle, "Communication");
  BOOST_TEST((c.FindString("status") == "completed"));  // a decline is still information given
  BOOST_TEST(c.Find("partOf") == nullptr);
  BOOST_TEST((c.Find("medium")->items()[0].Find("coding")->items()[0].FindString("code") == "WRITTEN"));
  BOOST_TEST((c.Find("extension")->items()[1].FindPath({"valueCoding"})->FindString("code") == "declined"));
  BOOST_TEST((c.Find("payload")->items()[1].FindPath({"contentReference"})->FindString("type") == "HealthcareService"));
  BOOST_TEST((Entry(bundle, "Communication").FindPath({"request"})->FindString("ifNoneExist") ==
             "identifier=urn:ietf:rfc:3986|urn:uuid:0190a000-0000-7000-8000-00000000000a"));
  BOOST_TEST((Entry(bundle, "Provenance").FindPath({"request"})->FindString("ifNoneExist") ==
             "_tag=https://selvhjelp.example/fhir/NamingSystem/record|0190a000-0000-7000-8000-00000000000a"));
}

BOOST_FIXTURE_TEST_CASE(a_conversation_adds_a_procedure_the_communication_is_part_of, Fixture) {
  JsonValue bundle = BuildRecordBundle(Record("conversation"), context);
  BOOST_TEST((Types(bundle) == std::vector<std::string>{"Procedure", "Communication", "Provenance"}));
  const std::string procedure_url(*Entry(bundle, "Procedure").FindString("fullUrl"));
  BOOST_TEST((Resource(bundle, "Communication").Find("partOf")->items()[0].FindString("reference") == procedure_url));
  const JsonValue& p = Resource(bundle, "Procedure");
  BOOST_TEST((p.FindPath({"category"})->Find("coding")->items()[0].FindString("code") == "409063005"));
  BOOST_TEST((p.FindPath({"code"})->Find("coding")->items()[0].FindString("code") == "conversation"));
  BOOST_TEST((p.FindString("performedDateTime") == "2026-11-18T10:00:00+01:00"));
  // The placeholder never equals an identifier value (a server may rewrite such strings).
  BOOST_TEST(fhir::WriteJson(bundle).find("urn:uuid:0190a000-0000-7000-8000-00000000000a\"") != std::string::npos);
  for (const JsonValue& e : bundle.Find("entry")->items()) {
    BOOST_TEST((e.FindString("fullUrl") != "urn:uuid:0190a000-0000-7000-8000-00000000000a"));
  }
}

BOOST_FIXTURE_TEST_CASE(brokered_contact_adds_a_one_off_disclosure_consent, Fixture) {
  JsonValue bundle = BuildRecordBundle(Record("brokered"), context);
  BOOST_TEST((Types(bundle) == std::vector<std::string>{"Procedure", "Consent", "Communication", "Provenance"}));
  const JsonValue& consent = Resource(bundle, "Consent");
  BOOST_TEST((consent.FindPath({"provision"})->FindString("type") == "permit"));
  BOOST_TEST((consent.FindPath({"provision", "period"})->FindString("start") == "2026-11-18"));
  BOOST_TEST((consent.FindPath({"provision", "period"})->FindString("end") == "2026-11-18"));
  InformationRecord late = Record("brokered");
  late.sent = "2026-11-18T23:30:00Z";  // the 19th in Norway: the day the contact is made
  const JsonValue late_bundle = BuildRecordBundle(late, context);
  BOOST_TEST((Resource(late_bundle, "Consent").FindPath({"provision", "period"})->FindString("start") == "2026-11-19"));
  const JsonValue& shares = consent.FindPath({"provision"})->Find("code")->items()[0].Find("coding")->items()[0];
  BOOST_TEST((shares.FindString("system") == "https://selvhjelp.example/fhir/CodeSystem/shared-contact-details"));
  BOOST_TEST((shares.FindString("code") == "name-and-email"));
  BOOST_TEST((consent.FindPath({"provision"})->Find("actor")->items()[0].FindPath({"reference", "identifier"})->FindString("value") ==
             "974760673"));
  const JsonValue& provenance = Resource(bundle, "Provenance");
  BOOST_TEST(provenance.Find("target")->items().size() == 3u);
  BOOST_TEST((provenance.FindString("recorded") == "2026-11-18T11:06:40Z"));
  BOOST_TEST((provenance.Find("agent")->items()[0].FindPath({"who", "identifier"})->FindString("value") == "9144889"));
  BOOST_TEST(fhir::WriteJson(bundle).find("ServiceRequest") == std::string::npos);  // never a referral
}
