// Eligibility, place, offer policy, request validation and card building.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <regex>

#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"
#include "fhir/json/parsed_json.h"
#include "plugin/cds/card_builder.h"
#include "plugin/cds/cds_request.h"
#include "plugin/cds/offer_policy.h"
#include "plugin/cds/recent_cards.h"
#include "plugin/cds/patient_facts.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;
namespace fs = std::filesystem;

namespace {
const fs::path kData = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";
JsonValue J(const std::string& text) { return *fhir::ParseJson(text); }
std::shared_ptr<const fhir::ParsedJson> P(const std::string& text) { return *fhir::ParsedJson::Parse(text); }

struct Tables {
  mappings::DiagnosisTable diagnoses = *mappings::DiagnosisTable::Load({kData / "substance-use-diagnoses.json"}, {});
  mappings::Geography geography = *mappings::Geography::Load(kData / "geography.json");
  mappings::TextCatalog texts = *mappings::TextCatalog::Load(kData / "texts.json");
};

// Writes one card: what the record system receives, its suggestions' random uuids blanked.
std::string CardText(const CdsRequest& request, const CardInput& input, const mappings::TextCatalog& texts) {
  fhir::JsonStreamWriter out;
  static const CardTextCache card_texts(texts);  // one for all: cached group lines name its texts
  WriteCard(out, request, input, "card-uuid", card_texts);
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  return std::regex_replace(out.Take(), kUuid, "uuid");
}

// Writes one card and reads it back.
JsonValue Card(const CdsRequest& request, const CardInput& input, const mappings::TextCatalog& texts) {
  auto parsed = fhir::ParseJson(CardText(request, input, texts));
  BOOST_REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

ResolvedData Data(const std::string& condition_code, const std::string& status = "active") {
  ResolvedData d;
  d.Set("conditions", J(R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition",
    "clinicalStatus":{"coding":[{"code":")" + status + R"("}]},
    "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-no","code":")" + condition_code + R"("}]}}}]})"));
  d.Set("patient", J(R"({"resourceType":"Patient","id":"p","address":[
    {"use":"old","city":"Oslo","period":{"end":"2020-01-01"}},
    {"use":"home","district":"Trondheim","postalCode":"5003","city":"Bergen"}]})"));
  return d;
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(decision, Tables)

BOOST_AUTO_TEST_CASE(eligibility_from_active_conditions_only) {
  BOOST_TEST(ExtractFacts(Data("F10.2"), diagnoses, geography).in_scope);
  BOOST_TEST(!ExtractFacts(Data("F17.1"), diagnoses, geography).in_scope);
  BOOST_TEST(!ExtractFacts(Data("F10.2", "resolved"), diagnoses, geography).in_scope);
  BOOST_TEST(!ExtractFacts(Data("J45"), diagnoses, geography).in_scope);
}

BOOST_AUTO_TEST_CASE(municipality_order_extension_district_postal_city) {
  // Current home address: district name (Trondheim) wins over postal code (Bergen) and city.
  BOOST_TEST(ExtractFacts(Data("F10"), diagnoses, geography).municipality == "5001");
  auto coded = J(R"({"resourceType":"Patient","address":[{"district":"Bergen","_district":{"extension":[
    {"url":"http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode","valueCoding":{"code":"5501"}}]}}]})");
  BOOST_TEST(MunicipalityOf(coded, geography) == "5501");
  BOOST_TEST(MunicipalityOf(J(R"({"address":[{"postalCode":"0150"}]})"), geography) == "0301");
  BOOST_TEST(MunicipalityOf(J(R"({"address":[{"city":"Tromsø"}]})"), geography) == "5501");
  BOOST_TEST(MunicipalityOf(J(R"({"address":[{"city":"Atlantis"}]})"), geography).empty());
}

BOOST_AUTO_TEST_CASE(position_from_the_geolocation_extension_of_the_current_address) {
  auto patient = J(R"({"address":[
    {"use":"home","period":{"end":"2020-01-01"},"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/geolocation",
      "extension":[{"url":"latitude","valueDecimal":59.9},{"url":"longitude","valueDecimal":10.7}]}]},
    {"use":"home","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/geolocation",
      "extension":[{"url":"latitude","valueDecimal":60.39},{"url":"longitude","valueDecimal":5.32}]}]}]})");
  auto position = PositionOf(patient);
  BOOST_REQUIRE(position.has_value());
  BOOST_TEST(position->latitude == 60.39);  // the old address (ended 2020) is not used
  BOOST_TEST(!PositionOf(J(R"({"address":[{"city":"Bergen"}]})")).has_value());
}

// Issue 11 item 8: an EHR's Communication.encounter.reference of another JSON type reached an
// unchecked *optional (caught by _GLIBCXX_ASSERTIONS in the sanitizer build).
BOOST_AUTO_TEST_CASE(earlier_records_with_malformed_references_are_read_safely) {
  ResolvedData d = Data("F10");
  d.Set("informationRecords", J(R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Communication",
    "status":"completed","sent":"2026-10-01","encounter":{"reference":12345},"recipient":[{"reference":["Patient/p"]}],
    "category":[{"coding":[{"system":"https://selvhjelp.example/fhir/CodeSystem/selvhjelp-category",
                            "code":"self-help-information"}]}]}}]})"));
  PatientFacts facts = ExtractFacts(d, diagnoses, geography);
  BOOST_TEST(!facts.latest_to_patient.has_value());  // the recipient is not a reference string
  d.Set("informationRecords", J(R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Communication",
    "status":"completed","sent":"2026-10-01","encounter":{"reference":12345},"recipient":[{"reference":"Patient/p"}],
    "category":[{"coding":[{"system":"https://selvhjelp.example/fhir/CodeSystem/selvhjelp-category",
                            "code":"self-help-information"}]}]}}]})"));
  facts = ExtractFacts(d, diagnoses, geography);
  BOOST_REQUIRE(facts.latest_to_patient.has_value());
  BOOST_TEST(facts.latest_to_patient->encounter_id.empty());
}

BOOST_AUTO_TEST_CASE(positions_out_of_range_are_not_used) {
  auto patient = J(R"({"address":[{"use":"home","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/geolocation",
      "extension":[{"url":"latitude","valueDecimal":600.39},{"url":"longitude","valueDecimal":5.32}]}]}]})");
  BOOST_TEST(!PositionOf(patient).has_value());
}

BOOST_AUTO_TEST_CASE(offer_policy_intervals) {
  const int64_t now = 20000 * 86400LL;
  OfferPolicy policy{365, 90};
  BOOST_TEST(ShouldOffer(std::nullopt, std::nullopt, "", Prompt::kDuringTreatment, now, policy));
  BOOST_TEST(!ShouldOffer(PriorRecord{20000 - 10, "", ""}, std::nullopt, "", Prompt::kDuringTreatment, now, policy));
  BOOST_TEST(ShouldOffer(PriorRecord{20000 - 400, "", ""}, std::nullopt, "", Prompt::kDuringTreatment, now, policy));
  BOOST_TEST(!ShouldOffer(PriorRecord{20000 - 30, "declined", ""}, std::nullopt, "", Prompt::kDuringTreatment, now, policy));
  BOOST_TEST(ShouldOffer(PriorRecord{20000 - 100, "declined", ""}, std::nullopt, "", Prompt::kDuringTreatment, now, policy));
  LocalOutcome not_now{"overridden", "not-relevant-now", "enc-1", now - 3600};
  BOOST_TEST(!ShouldOffer(std::nullopt, not_now, "enc-1", Prompt::kDuringTreatment, now, policy));
  BOOST_TEST(ShouldOffer(std::nullopt, not_now, "enc-2", Prompt::kDuringTreatment, now, policy));
  // "Not now" at admission does not silence the discharge, the last reminder; a decline does.
  BOOST_TEST(ShouldOffer(std::nullopt, not_now, "enc-1", Prompt::kLastReminder, now, policy));
  LocalOutcome declined{"overridden", "declined", "enc-1", now - 3600};
  BOOST_TEST(!ShouldOffer(std::nullopt, declined, "enc-1", Prompt::kLastReminder, now, policy));
  LocalOutcome accepted{"accepted", "", "enc-1", now - 86400};
  BOOST_TEST(!ShouldOffer(std::nullopt, accepted, "enc-2", Prompt::kDuringTreatment, now, policy));
}

BOOST_AUTO_TEST_CASE(request_validation_names_the_field) {
  const HookService& encounter_start = *FindHookService("selvhjelp-encounter-start");
  auto missing = ParseCdsRequest(P(R"({"hook":"encounter-start","hookInstance":"h","context":{"userId":"Practitioner/1","patientId":"p"}})"),
                                 encounter_start, false);
  BOOST_TEST(missing.status().message() == "context.encounterId: required");
  auto http = ParseCdsRequest(P(R"({"hook":"encounter-start","hookInstance":"h","fhirServer":"http://x",
    "context":{"userId":"Practitioner/1","patientId":"p","encounterId":"e"}})"), encounter_start, false);
  BOOST_TEST(http.status().message() == "fhirServer: expected an https URL");
  auto injected = ParseCdsRequest(P(R"({"hook":"encounter-start","hookInstance":"h",
    "context":{"userId":"Practitioner/1","patientId":"p&_id=x","encounterId":"e"}})"), encounter_start, false);
  BOOST_TEST(injected.status().message() == "context.patientId: not a FHIR id");
  auto three = ParseCdsRequest(P(R"({"hook":"encounter-start","context":{"userId":"1","patientId":"p"},"prefetch":[]})"),
                               encounter_start, false);
  std::vector<std::string> named;
  for (const Issue& issue : three.status().issues()) named.push_back(issue.expression + " " + issue.code);
  BOOST_TEST(named == (std::vector<std::string>{"hookInstance required", "context.userId invalid",
                                                "context.encounterId required", "prefetch invalid"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(card_has_required_fields_and_no_referral) {
  CdsRequest request;
  request.hook = "patient-view";
  request.patient_id = "p";
  request.user_id = "Practitioner/1";
  Group local;
  local.id = "g";
  local.name = "AA [click](http://x)";
  local.organisation = "AA";
  local.twelve_step = true;
  local.address.municipality = "4601";
  GroupMatch match;
  match.municipality = {&local};
  CardInput input;
  input.language = "nn";
  input.recipient_refs = {"Patient/p"};
  input.groups = &match;
  input.municipality_name = "Bergen";
  input.source_url = "https://example.org";
  input.now_iso = "2026-11-23T10:00:00Z";
  JsonValue card = Card(request, input, texts);
  BOOST_TEST((card.FindString("uuid") == "card-uuid"));
  std::string summary(*card.FindString("summary"));
  BOOST_TEST(summary == "Informer pasienten om sjølvhjelpsgrupper: 1 aktuell gruppe");  // one group: singular
  BOOST_TEST((card.FindString("indicator") == "info"));
  BOOST_TEST((card.FindString("selectionBehavior") == "at-most-one"));
  BOOST_TEST(card.Find("suggestions")->items().size() == 2u);  // written, conversation: brokered needs the app's consent
  for (const JsonValue& reason : card.Find("overrideReasons")->items()) BOOST_TEST(reason.FindString("display").has_value());
  auto reason_codes = [](const JsonValue& c) {
    std::vector<std::string> codes;
    for (const JsonValue& reason : c.Find("overrideReasons")->items()) codes.emplace_back(reason.FindString("code").value_or(""));
    return codes;
  };
  BOOST_TEST(reason_codes(card) == (std::vector<std::string>{"declined", "already-attends", "not-relevant-now",
                                                              "informed-elsewhere"}), boost::test_tools::per_element());
  input.discharge = true;  // the last reminder: there is no later visit to put it off to
  BOOST_TEST(reason_codes(Card(request, input, texts)) ==
                 (std::vector<std::string>{"declined", "already-attends", "informed-elsewhere"}),
             boost::test_tools::per_element());
  input.discharge = false;
  std::string detail(*card.FindString("detail"));
  BOOST_TEST(detail.find("\\[click\\]") != std::string::npos);  // directory text cannot inject links
  BOOST_TEST(detail.find("**I kommunen: Bergen**") != std::string::npos);
  std::string all = fhir::WriteJson(card);
  BOOST_TEST(all.find("ServiceRequest") == std::string::npos);
  BOOST_TEST(all.find("henvis") == std::string::npos);
  const JsonValue& resource = *card.Find("suggestions")->items()[1].Find("actions")->items()[0].Find("resource");
  BOOST_TEST((resource.FindString("resourceType") == "Communication"));
  BOOST_TEST((resource.FindString("status") == "completed"));
  BOOST_TEST((resource.FindPath({"subject", "reference"})->AsString() == "Patient/p"));
  // Relatives: the same two levels, recipients as given.
  input.recipient = Recipient::kRelatives;
  input.recipient_refs = {"RelatedPerson/r1", "RelatedPerson/r2"};
  JsonValue relatives = Card(request, input, texts);
  BOOST_TEST(relatives.Find("suggestions")->items().size() == 2u);
  BOOST_TEST((relatives.FindString("summary") == "Pårørande kan ha nytte av sjølvhjelpsgrupper: 1 gruppe for pårørande"));
  Group second = local;
  second.id = "g2";
  match.municipality.push_back(&second);
  BOOST_TEST((Card(request, input, texts).FindString("summary") ==
              "Pårørande kan ha nytte av sjølvhjelpsgrupper: 2 grupper for pårørande"));
}

// With the clinician app configured, a card opens it: a `smart` link to the launch URL whose
// appContext (a string, as CDS Hooks 2.0 says) names the card; without it, only the absolute link.
BOOST_AUTO_TEST_CASE(a_card_links_to_the_app_with_its_own_uuid_as_app_context) {
  CdsRequest request;
  request.hook = "patient-view";
  request.patient_id = "p";
  GroupMatch match;
  CardInput input;
  input.language = "en";
  input.recipient_refs = {"Patient/p"};
  input.groups = &match;
  input.now_iso = "2026-11-23T10:00:00Z";
  const JsonValue without = Card(request, input, texts);
  BOOST_REQUIRE(without.Find("links")->items().size() == 1u);
  BOOST_TEST((without.Find("links")->items()[0].FindString("type") == "absolute"));
  BOOST_TEST(!without.Find("links")->items()[0].Find("appContext"));

  input.app_launch_url = "https://selvhjelp.example/app/launch";
  const JsonValue card = Card(request, input, texts);
  BOOST_REQUIRE(card.Find("links")->items().size() == 2u);
  const JsonValue& link = card.Find("links")->items()[0];
  BOOST_TEST((link.FindString("type") == "smart"));
  BOOST_TEST((link.FindString("url") == "https://selvhjelp.example/app/launch"));
  BOOST_TEST(std::string(link.FindString("label").value_or("")).rfind("Open the selvhjelp app", 0) == 0u);
  BOOST_TEST((link.FindString("appContext") == R"({"card":"card-uuid"})"));
  BOOST_TEST((card.Find("links")->items()[1].FindString("type") == "absolute"));
}

BOOST_AUTO_TEST_CASE(card_words_contact_points_attributes_report_links_and_national_services_last) {
  CdsRequest request;
  request.hook = "patient-view";
  request.patient_id = "p";
  Group link;
  link.name = "LINK Bergen (syntetisk)";
  link.organisation = "Selvhjelp Norge";
  link.kind = ListingKind::kContactPoint;
  link.access = Access::kClosed;
  link.min_age = 18;
  link.wheelchair = true;
  link.details.Edit().email = "link@selvhjelp.example";
  link.address.municipality = "4601";
  link.address.city = "Bergen";
  link.report_to = "https://report.example/form?(x)";
  Group english;
  english.name = "AA English";
  english.organisation = "AA";
  english.twelve_step = true;
  english.access = Access::kOpen;
  english.languages = {"en", "nb"};
  english.meetings = {{"FREQ=WEEKLY;BYDAY=TU", "19:00", ""}};
  Group helpline;
  helpline.name = "Pårørendetelefonen";
  helpline.organisation = "Pårørendetelefonen";
  helpline.kind = ListingKind::kContactPoint;
  helpline.national = true;
  helpline.format = Format::kDigital;
  helpline.details.Edit().phone = "800 40 567";
  GroupMatch match;
  match.municipality = {&link, &english};
  match.national = {&helpline};
  CardInput input;
  input.language = "en";
  input.recipient_refs = {"Patient/p"};
  input.groups = &match;
  input.municipality_name = "Bergen";
  input.now_iso = "2026-11-23T10:00:00Z";
  const std::string detail(*Card(request, input, texts).FindString("detail"));
  BOOST_TEST(detail.find("- **LINK Bergen (syntetisk)**: Selvhjelp Norge helps people join or start a group (closed, 18+, wheelchair access); "
                         "contact link@selvhjelp.example, Bergen · [Report wrong information](https://report.example/form?%28x%29)") !=
                 std::string::npos, detail);
  BOOST_TEST(detail.find("- **AA English** (AA, 12-step, open, language: en/nb): ") != std::string::npos, detail);
  const size_t national = detail.find("**National services");
  BOOST_TEST((national != std::string::npos && national > detail.find("AA English")), detail);
  BOOST_TEST(detail.find("- **Pårørendetelefonen**: 800 40 567") > national);
  BOOST_TEST(detail.find("no groups for this place yet") == std::string::npos);  // local listings exist
  match.municipality.clear();
  const std::string only_national(*Card(request, input, texts).FindString("detail"));
  BOOST_TEST(only_national.find("no groups for this place yet") < only_national.find("**National services"));
}

// The lines kept per snapshot write the card the lines rendered for it write, byte for byte (names
// that need markdown and JSON escaping included); a new snapshot drops them; past the cap none
// are kept.
BOOST_AUTO_TEST_CASE(cached_group_lines_write_the_same_card_and_follow_the_snapshot) {
  CdsRequest request;
  request.hook = "patient-view";
  request.patient_id = "p";
  std::vector<Group> groups(3);
  groups[0].name = "AA \"quoted\" [link](x) *bold*\nnext\x01 æøå";
  groups[0].organisation = "AA\\";
  groups[0].twelve_step = true;
  groups[0].address.municipality = "4601";
  groups[0].details.Edit().website = "https://aa.example/a b";
  groups[0].meetings = {{"FREQ=WEEKLY;BYDAY=TU", "19:00", ""}};
  groups[1].name = "LINK \t Bergen";
  groups[1].organisation = "Selvhjelp Norge";
  groups[1].kind = ListingKind::kContactPoint;
  groups[1].address.municipality = "4601";
  groups[1].report_to = "https://report.example/form?(x)";
  groups[2].name = "Hjelpetelefonen";
  groups[2].national = true;
  groups[2].details.Edit().phone = "800 \"40\"";
  auto snapshot = std::make_shared<const GroupDirectory>(GroupDirectory::Build(groups));
  GroupMatch match;
  for (const Group& g : snapshot->groups()) (g.national ? match.national : match.municipality).push_back(&g);
  CardInput input;
  input.recipient_refs = {"Patient/p"};
  input.groups = &match;
  input.municipality_name = "Bergen <by>";
  input.now_iso = "2026-11-23T10:00:00Z";
  input.ehr_records_unknown = true;
  const GroupLineCache cache;
  for (const char* language : {"nb", "nn", "en"}) {
    input.language = language;
    input.group_lines = nullptr;
    const std::string rendered = CardText(request, input, texts);
    BOOST_TEST(fhir::ParseJson(rendered).ok());
    const GroupLineCache::Lines lines = cache.For(snapshot);
    input.group_lines = &lines;
    BOOST_TEST(CardText(request, input, texts) == rendered);  // lines rendered and kept
    BOOST_TEST(CardText(request, input, texts) == rendered);  // lines from the cache
  }
  BOOST_TEST(cache.bytes() > 0u);
  const size_t kept = cache.bytes();
  (void)cache.For(snapshot);
  BOOST_TEST(cache.bytes() == kept);
  auto refreshed = std::make_shared<const GroupDirectory>(GroupDirectory::Build(groups));
  (void)cache.For(refreshed);
  BOOST_TEST(cache.bytes() == 0u);

  const GroupLineCache tiny(100);
  const GroupLineCache::Lines lines = tiny.For(snapshot);
  input.group_lines = &lines;
  input.language = "en";
  const std::string first = CardText(request, input, texts);
  BOOST_TEST(CardText(request, input, texts) == first);
  BOOST_TEST(tiny.bytes() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_card_shown_is_not_shown_again_within_the_window) {
  RecentCards recent(3600, 2);
  BOOST_TEST(!recent.ShownWithin({"a"}, 1000));
  BOOST_TEST(recent.ShownWithin({"a"}, 1000 + 3599));
  BOOST_TEST(!recent.ShownWithin({"a"}, 1000 + 3600));  // the window is over: shown, and remembered anew
  BOOST_TEST(recent.ShownWithin({"a"}, 1000 + 3601));
  BOOST_TEST(!recent.ShownWithin({"b"}, 5000));
  BOOST_TEST(!recent.ShownWithin({"c"}, 5001));
  BOOST_TEST(!recent.ShownWithin({"d"}, 5002));  // beyond the capacity of 2 the oldest, "a", is forgotten
  BOOST_TEST(!recent.ShownWithin({"a"}, 5003));
  RecentCards off(0);
  BOOST_TEST(!off.ShownWithin({"a"}, 1));
  BOOST_TEST(!off.ShownWithin({"a"}, 1));
}
