// Patient facts from data shaped like DIPS Arena's (tests/data/dips, after the DIPS IG's own
// examples): the municipality in DIPS's address extension with numbers retired in the 2020 and
// 2024 reforms, `district` holding a name and `state` a county number, and an encounter known by
// its care-episode identifier with no EpisodeOfCare.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "fhir/json/json_file.h"
#include "fhir/json/json_reader.h"
#include "plugin/cds/patient_facts.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;
namespace fs = std::filesystem;

namespace {
const fs::path kMappings = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";
const fs::path kDips = fs::path(SELVHJELP_SOURCE_DIR) / "tests/data/dips";

JsonValue Dips(const std::string& file) {
  Result<JsonValue> json = fhir::ReadJsonFile(kDips / file);
  BOOST_REQUIRE_MESSAGE(json.ok(), json.status().message());
  return std::move(json).value();
}
JsonValue J(const std::string& text) { return *fhir::ParseJson(text); }
JsonValue Searchset(const JsonValue& resource) {
  JsonValue bundle = J(R"({"resourceType":"Bundle","type":"searchset","entry":[]})");
  JsonValue entry = JsonValue::Object();
  entry.Set("resource", resource);
  bundle.MutableFind("entry")->Append(std::move(entry));
  return bundle;
}
// The patient with its address's municipality codes removed (extensions on the address and on
// `district`), so only the text of the address is left.
JsonValue& FirstAddress(JsonValue& patient) { return patient.MutableFind("address")->mutable_items()[0]; }
JsonValue WithoutCodes(JsonValue patient) {
  JsonValue& address = FirstAddress(patient);
  address.Set("extension", JsonValue::Array());
  address.Set("_district", JsonValue::Object());
  return patient;
}

struct Tables {
  mappings::DiagnosisTable diagnoses = *mappings::DiagnosisTable::Load({kMappings / "substance-use-diagnoses.json"}, {});
  mappings::Geography geography = *mappings::Geography::Load(kMappings / "geography.json");
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(dips_facts, Tables)

BOOST_AUTO_TEST_CASE(a_2023_number_in_dips_s_extension_is_read_as_today_s) {
  const JsonValue patient = Dips("Patient-vaaler-2023.json");
  BOOST_TEST(MunicipalityOf(patient, geography) == "3114");  // 3018 Våler (Viken) -> Våler (Østfold)
  // Without the code the address says only "Våler", which two municipalities are called, and a
  // postal code outside the built-in ranges: no guess, and state "30" is not read as anything.
  BOOST_TEST(MunicipalityOf(WithoutCodes(patient), geography).empty());
}

BOOST_AUTO_TEST_CASE(a_2019_number_in_the_nav_sample_s_spelling_and_in_property_information) {
  const JsonValue patient = Dips("Patient-volda-2019.json");
  BOOST_TEST(MunicipalityOf(patient, geography) == "1577");  // 1519 Volda -> 1577 Volda
  // The property information's municipality alone (no extension on district) gives the same.
  JsonValue only_property = patient;
  FirstAddress(only_property).Set("_district", JsonValue::Object());
  FirstAddress(only_property).Set("district", "Bydel som ikke finnes");
  BOOST_TEST(MunicipalityOf(only_property, geography) == "1577");
}

BOOST_AUTO_TEST_CASE(district_holding_a_bydel_name_and_state_an_old_county_number) {
  const JsonValue patient = Dips("Patient-bergen-bydel.json");
  BOOST_TEST(MunicipalityOf(patient, geography) == "4601");  // 1201 -> 4601, district "Årstad"
  JsonValue only_text = WithoutCodes(patient);
  FirstAddress(only_text).Set("postalCode", "9999");
  BOOST_TEST(MunicipalityOf(only_text, geography) == "4601");  // the city, not state "12"
}

BOOST_AUTO_TEST_CASE(a_split_number_is_decided_by_the_postal_code_then_the_name) {
  const JsonValue patient = Dips("Patient-aalesund-split.json");
  // 1507 (Ålesund 2020-2023) became 1508 Ålesund and 1580 Haram. Without a postal register the
  // district name decides among the two.
  BOOST_TEST(MunicipalityOf(patient, geography) == "1508");
  // With Bring's register, the postal code 6280 (Brattvåg) says Haram, over the district name.
  const fs::path register_file = fs::temp_directory_path() / "selvhjelp-dips-postal.tsv";
  std::ofstream(register_file) << "6280\tBRATTVÅG\t1580\tHARAM\tG\n";
  mappings::Geography with_register = geography;
  BOOST_REQUIRE(with_register.LoadPostalRegister(register_file).ok());
  fs::remove(register_file);
  BOOST_TEST(MunicipalityOf(patient, with_register) == "1580");
  // A split number whose address names neither successor falls back to the text as a whole.
  JsonValue elsewhere = patient;
  FirstAddress(elsewhere).Set("district", "Oslo");
  BOOST_TEST(MunicipalityOf(elsewhere, geography) == "0301");
}

BOOST_AUTO_TEST_CASE(codes_from_other_systems_and_unknown_numbers_are_not_trusted) {
  auto address = [](const std::string& system, const std::string& code) {
    return J(R"({"resourceType":"Patient","address":[{"use":"home","district":"Bergen","_district":{"extension":[
      {"url":"http://dips.no/fhir/R4/StructureDefinition/DipsPatientMunicipality","valueCoding":{"system":")" + system +
             R"(","code":")" + code + R"("}}]}}]})");
  };
  BOOST_TEST(MunicipalityOf(address("urn:oid:2.16.578.1.12.4.1.1.3402", "5501"), geography) == "5501");
  BOOST_TEST(MunicipalityOf(address("urn:oid:2.16.578.1.12.4.1.1.3403", "5501"), geography) == "4601");  // bydel system
  BOOST_TEST(MunicipalityOf(address("urn:oid:2.16.578.1.12.4.1.1.3402", "9999"), geography) == "4601");  // no such number
}

BOOST_AUTO_TEST_CASE(the_encounter_alone_is_the_care_episode) {
  ResolvedData data;
  data.Set("patient", Dips("Patient-vaaler-2023.json"));
  data.Set("encounter", Dips("Encounter-care-episode.json"));
  data.Set("conditions", Searchset(Dips("Condition-of-care-episode.json")));
  data.Set("episodesOfCare", JsonValue());  // DIPS has none
  PatientFacts facts = ExtractFacts(data, diagnoses, geography);
  BOOST_TEST(facts.in_scope);  // F102 under the bare OID, no clinicalStatus
  BOOST_TEST(facts.municipality == "3114");
  BOOST_TEST(facts.encounter_id == "agy9000001");
  BOOST_TEST(facts.care_episode == "9000001");
}

BOOST_AUTO_TEST_CASE(a_resolved_diagnosis_counts_only_for_its_own_encounter) {
  JsonValue condition = Dips("Condition-of-care-episode.json");
  condition.Set("clinicalStatus", J(R"({"coding":[{"code":"resolved"}]})"));
  ResolvedData data;
  data.Set("conditions", Searchset(condition));
  BOOST_TEST(!ExtractFacts(data, diagnoses, geography).in_scope);  // no encounter: a resolved diagnosis
  data.Set("encounter", Dips("Encounter-care-episode.json"));
  BOOST_TEST(ExtractFacts(data, diagnoses, geography).in_scope);  // this episode's diagnosis
  JsonValue other = Dips("Encounter-care-episode.json");
  other.Set("identifier", J(R"([{"system":"http://dips.no/fhir/namingsystem/dips-omsorgsepisodeid","value":"123"}])"));
  data.Set("encounter", other);
  BOOST_TEST(!ExtractFacts(data, diagnoses, geography).in_scope);
  // Named as the encounter's diagnosis by reference.
  condition.Set("encounter", JsonValue::Object());
  data.Set("conditions", Searchset(condition));
  other.Set("diagnosis", J(R"([{"condition":{"reference":"Condition/afn9000001"}}])"));
  data.Set("encounter", other);
  BOOST_TEST(ExtractFacts(data, diagnoses, geography).in_scope);
  // Refuted stays out, whatever names it.
  condition.Set("verificationStatus", J(R"({"coding":[{"code":"refuted"}]})"));
  data.Set("conditions", Searchset(condition));
  BOOST_TEST(!ExtractFacts(data, diagnoses, geography).in_scope);
}

BOOST_AUTO_TEST_CASE(an_earlier_record_naming_the_care_episode_is_of_this_encounter) {
  ResolvedData data;
  data.Set("encounter", Dips("Encounter-care-episode.json"));
  data.Set("informationRecords", J(R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{
    "resourceType":"Communication","status":"completed","sent":"2026-11-02T10:00:00Z",
    "category":[{"coding":[{"system":"https://selvhjelp.example/fhir/CodeSystem/selvhjelp-category","code":"self-help-information"}]}],
    "recipient":[{"reference":"Patient/cdp9000001"}],
    "encounter":{"identifier":{"system":"http://dips.no/fhir/namingsystem/dips-omsorgsepisodeid","value":"9000001"}}}}]})"));
  PatientFacts facts = ExtractFacts(data, diagnoses, geography);
  BOOST_REQUIRE(facts.latest_to_patient.has_value());
  BOOST_TEST(facts.latest_to_patient->encounter_id == "agy9000001");
}

BOOST_AUTO_TEST_SUITE_END()
