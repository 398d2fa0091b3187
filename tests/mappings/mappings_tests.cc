#define BOOST_TEST_MODULE mappings_tests
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "mappings/diagnosis_table.h"
#include "mappings/geography.h"
#include "mappings/text_catalog.h"

using namespace selvhjelp::mappings;
using selvhjelp::Status;
namespace fs = std::filesystem;
const fs::path kData = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";

BOOST_AUTO_TEST_CASE(substance_use_codes_in_every_system_norway_sends) {
  auto table = DiagnosisTable::Load({kData / "substance-use-diagnoses.json"}, {});
  BOOST_REQUIRE_MESSAGE(table.ok(), table.status().message());
  for (const char* system : {"http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-no",
                             "urn:oid:2.16.578.1.12.4.1.1.7110"}) {
    BOOST_TEST(table->InScope(system, "F10.2"));
    BOOST_TEST(table->InScope(system, "f192"));
    BOOST_TEST(!table->InScope(system, "F17.2"));  // tobacco excluded by default
    BOOST_TEST(!table->InScope(system, "F20"));
    BOOST_TEST(!table->InScope(system, "F09"));
  }
  BOOST_TEST(table->InScope("http://hl7.org/fhir/sid/icpc-2", "P15"));
  BOOST_TEST(table->InScope("http://hl7.org/fhir/sid/icpc-2", "P19"));
  BOOST_TEST(!table->InScope("http://hl7.org/fhir/sid/icpc-2", "P17"));
  BOOST_TEST(!table->InScope("http://hl7.org/fhir/sid/icpc-2", "P20"));
  BOOST_TEST(table->InScope("http://snomed.info/sct", "66590003"));
  BOOST_TEST(!table->InScope("http://snomed.info/sct", "665900031"));  // not a prefix system
  BOOST_TEST(!table->InScope("http://example.org/other", "F10"));
}

BOOST_AUTO_TEST_CASE(hospitals_can_lift_the_tobacco_exclusion_and_extend) {
  fs::path extra = fs::temp_directory_path() / "selvhjelp-extra-codes.json";
  std::ofstream(extra) << R"({"include":[{"codeSystem":"icd10","codes":["Z50.3"]}]})";
  auto table = DiagnosisTable::Load({kData / "substance-use-diagnoses.json", extra}, {"tobacco"});
  BOOST_REQUIRE(table.ok());
  BOOST_TEST(table->InScope("http://hl7.org/fhir/sid/icd-10", "F17.2"));
  BOOST_TEST(table->InScope("http://hl7.org/fhir/sid/icd-10", "Z50.3"));
  fs::remove(extra);
}

BOOST_AUTO_TEST_CASE(bad_mapping_file_names_file_line_and_field) {
  fs::path bad = fs::temp_directory_path() / "selvhjelp-bad-codes.json";
  std::ofstream(bad) << "{\n \"codeSystems\": {},\n \"include\": [\n  {\"codeSystem\": \"nope\", \"from\": \"A\"}\n ]\n}";
  auto table = DiagnosisTable::Load({bad}, {});
  BOOST_REQUIRE(!table.ok());
  BOOST_TEST(table.status().message().find(bad.string() + ":4: include[0].codeSystem") != std::string::npos,
             table.status().message());
  fs::remove(bad);
}

BOOST_AUTO_TEST_CASE(geography_resolves_names_postal_codes_and_counties) {
  auto geo = Geography::Load(kData / "geography.json");
  BOOST_REQUIRE_MESSAGE(geo.ok(), geo.status().message());
  BOOST_TEST(*geo->MunicipalityByName("BERGEN") == "4601");
  BOOST_TEST(*geo->MunicipalityByName("tromsø") == "5501");
  BOOST_TEST(*geo->MunicipalityByName("TROMSØ") == "5501");
  BOOST_TEST(*geo->MunicipalityByPostalCode("0550") == "0301");
  BOOST_TEST(!geo->MunicipalityByPostalCode("9999").has_value());
  BOOST_TEST(*Geography::CountyOf("5001") == "50");
  BOOST_TEST(*geo->CountyName("46") == "Vestland");
  BOOST_TEST(*geo->MunicipalityName("5001") == "Trondheim");
}

BOOST_AUTO_TEST_CASE(every_text_in_every_language_and_summaries_fit) {
  auto texts = TextCatalog::Load(kData / "texts.json");
  BOOST_REQUIRE_MESSAGE(texts.ok(), texts.status().message());
  for (const char* lang : {"nb", "nn", "en"}) {
    for (const char* key : {"patient.summary", "relatives.summary", "patient.summary.discharge", "patient.summary.one",
                            "relatives.summary.one"}) {
      std::string s = texts->Get(lang, key, {{"count", "999"}});
      size_t code_points = 0;
      for (unsigned char c : s) code_points += (c & 0xC0) != 0x80;
      BOOST_TEST(code_points < 140u, s);
      BOOST_TEST(s.find('{') == std::string::npos);
    }
  }
  BOOST_TEST(texts->Get("nb", "no.such.key") == "[no.such.key]");
}

BOOST_AUTO_TEST_CASE(all_357_municipalities_of_2024_with_sami_names) {
  auto geo = Geography::Load(kData / "geography.json");
  BOOST_REQUIRE(geo.ok());
  BOOST_TEST(*geo->MunicipalityByName("Kautokeino") == "5612");
  BOOST_TEST(*geo->MunicipalityByName("Guovdageaidnu") == "5612");
  BOOST_TEST(*geo->MunicipalityName("5612") == "Kautokeino");
  BOOST_TEST(*geo->MunicipalityByName("Haram") == "1580");  // re-established in 2024
  BOOST_TEST(*geo->MunicipalityByName("ålesund") == "1508");
  BOOST_TEST(!geo->MunicipalityByName("Herøy").has_value());  // two of them: never guessed
  BOOST_TEST(*geo->CountyName("56") == "Finnmark");
  int known = 0;
  for (const std::string& county : geo->Counties()) {
    for (int n = 0; n < 100; ++n) {
      char number[5];
      std::snprintf(number, sizeof number, "%s%02d", county.c_str(), n);
      known += geo->MunicipalityName(number).has_value();
    }
  }
  BOOST_TEST(known == 357);
}

BOOST_AUTO_TEST_CASE(postal_register_in_bring_format_latin1_or_utf8) {
  auto geo = Geography::Load(kData / "geography.json");
  BOOST_REQUIRE(geo.ok());
  fs::path file = fs::temp_directory_path() / "selvhjelp-postnummer.txt";
  // Synthetic lines in Bring's layout; "TROMS\xD8" is TROMSØ in ISO-8859-1.
  std::ofstream(file, std::ios::binary) << "5222\tNESTTUN\t4601\tBERGEN\tG\r\n"
                                           "9019\tTROMS\xD8\t5501\tTROMS\xD8\tP\r\n";
  BOOST_REQUIRE_MESSAGE(geo->LoadPostalRegister(file).ok(), "register loads");
  BOOST_TEST(*geo->MunicipalityByPostalCode("5222") == "4601");  // outside the built-in ranges
  BOOST_TEST(*geo->MunicipalityByPostalCode("9019") == "5501");
  // A municipality number the built-in 2024 table does not have (as after a future reform) is
  // learnt from the register; the built-in names are kept.
  std::ofstream(file, std::ios::binary) << "2850\tLENA\t3442\tØSTRE TOTEN\tG\n3999\tNYBY\t3499\tNYKOMMUNE\tG\n";
  BOOST_REQUIRE(geo->LoadPostalRegister(file).ok());
  BOOST_TEST(*geo->MunicipalityByPostalCode("2850") == "3442");
  BOOST_TEST(*geo->MunicipalityName("3442") == "Østre Toten");  // the built-in name is kept
  BOOST_TEST(*geo->MunicipalityByName("Nykommune") == "3499");  // known from the register alone
  BOOST_TEST(*geo->MunicipalityName("4601") == "Bergen");
  std::ofstream(file, std::ios::binary) << "5222\tNESTTUN\t4601\tBERGEN\tG\n52X2\tX\t4601\tBERGEN\tG\n5223\tY\t46\tZ\tG\n";
  Status bad = geo->LoadPostalRegister(file);
  BOOST_TEST(bad.message().find(file.string() + ":2: postal code: expected 4 digits") != std::string::npos, bad.message());
  BOOST_TEST(bad.message().find(file.string() + ":3: municipality number: expected 4 digits") != std::string::npos);
  fs::remove(file);
}
