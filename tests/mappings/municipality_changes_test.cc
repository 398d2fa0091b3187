// The municipality changes table (mappings/data/municipality-changes.csv) and its checks.
#include "mappings/municipality_changes.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "mappings/geography.h"

using namespace selvhjelp::mappings;
namespace fs = std::filesystem;

namespace {
const fs::path kData = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";

// A scratch folder with a geography.json naming `changes_csv` (written there), built from the
// real geography.json; removed at the end of the test.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-changes-" + std::to_string(::getpid()));
  explicit Scratch(const std::string& changes_csv) {
    fs::create_directories(dir);
    fs::copy_file(kData / "geography.json", dir / "geography.json", fs::copy_options::overwrite_existing);
    std::ofstream(dir / "municipality-changes.csv") << changes_csv;
  }
  ~Scratch() { fs::remove_all(dir); }
};
}  // namespace

BOOST_AUTO_TEST_CASE(todays_numbers_for_current_retired_split_and_unknown_numbers) {
  auto geo = Geography::Load(kData / "geography.json");
  BOOST_REQUIRE_MESSAGE(geo.ok(), geo.status().message());
  BOOST_TEST(geo->TodaysNumbers("4601") == std::vector<std::string>{"4601"});  // a municipality today
  BOOST_TEST(geo->TodaysNumbers("3005") == std::vector<std::string>{"3301"});  // Drammen, Viken -> Buskerud
  BOOST_TEST(geo->TodaysNumbers("3018") == std::vector<std::string>{"3114"});  // Våler (Viken) -> (Østfold)
  BOOST_TEST(geo->TodaysNumbers("3811") == std::vector<std::string>{"3911"});  // Færder
  BOOST_TEST(geo->TodaysNumbers("3825") == std::vector<std::string>{"4036"});  // Vinje
  BOOST_TEST(geo->TodaysNumbers("5444") == std::vector<std::string>{"5605"});  // Sør-Varanger
  BOOST_TEST(geo->TodaysNumbers("1201") == std::vector<std::string>{"4601"});  // Bergen before 2020
  BOOST_TEST(geo->TodaysNumbers("0219") == std::vector<std::string>{"3201"});  // Bærum, 2019 -> 2020 -> 2024
  BOOST_TEST(geo->TodaysNumbers("1534") == std::vector<std::string>{"1580"});  // Haram, 2019 -> Ålesund -> Haram
  BOOST_TEST(geo->TodaysNumbers("1507") == (std::vector<std::string>{"1508", "1580"}));  // split in 2024
  BOOST_TEST(geo->TodaysNumbers("9999").empty());
  BOOST_TEST(geo->TodaysNumbers("1601").empty());  // Trondheim before 2018: not in the table
}

BOOST_AUTO_TEST_CASE(every_number_of_the_three_split_counties_has_a_successor_in_the_new_ones) {
  auto geo = Geography::Load(kData / "geography.json");
  BOOST_REQUIRE(geo.ok());
  auto changes = ReadMunicipalityChanges(kData / "municipality-changes.csv");
  BOOST_REQUIRE_MESSAGE(changes.ok(), changes.status().message());
  // Viken (30), Vestfold og Telemark (38), Troms og Finnmark (54) went on 2024-01-01: every
  // number of theirs maps, 1:1, into Østfold/Akershus/Buskerud, Vestfold/Telemark, Troms/Finnmark.
  const std::map<std::string, std::set<std::string>> into = {
      {"30", {"31", "32", "33"}}, {"38", {"39", "40"}}, {"54", {"55", "56"}}};
  std::map<std::string, int> retired;
  std::set<std::string> targets;
  for (const MunicipalityChange& c : *changes) {
    auto county = into.find(c.old_number.substr(0, 2));
    if (county == into.end()) continue;
    ++retired[county->first];
    BOOST_TEST(c.until == "2023-12-31");
    BOOST_TEST(county->second.count(c.new_number.substr(0, 2)) == 1u, c.old_number + " -> " + c.new_number);
    BOOST_TEST(targets.insert(c.new_number).second, c.new_number + " twice");
  }
  BOOST_TEST(retired["30"] == 51);
  BOOST_TEST(retired["38"] == 23);
  BOOST_TEST(retired["54"] == 39);
  // And every municipality of the new counties is some old number's successor.
  for (const char* county : {"31", "32", "33", "39", "40", "55", "56"}) {
    for (int n = 0; n < 100; ++n) {
      const std::string number = std::string(county) + (n < 10 ? "0" : "") + std::to_string(n);
      if (geo->MunicipalityName(number)) BOOST_TEST(targets.count(number) == 1u, number + " has no predecessor");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_malformed_changes_file_names_file_line_and_column) {
  Scratch scratch(
      "# source: a test\n"
      "old,new,name,until\n"
      "3005,3301,Drammen,2023-12-31\n"
      "30x5,3301,Drammen,2023-12-31\n"
      "3006,3303,,2023-13-01\n"
      "3007,3305\n"
      "3005,3301,Drammen,2023-12-31\n");
  auto changes = ReadMunicipalityChanges(scratch.dir / "municipality-changes.csv");
  BOOST_REQUIRE(!changes.ok());
  const std::string m = changes.status().message(), file = (scratch.dir / "municipality-changes.csv").string();
  BOOST_TEST(m.find(file + ":4: old: expected a 4-digit municipality number") != std::string::npos, m);
  BOOST_TEST(m.find(file + ":5: name: required") != std::string::npos, m);
  BOOST_TEST(m.find(file + ":5: until: expected") != std::string::npos, m);
  BOOST_TEST(m.find(file + ":6: (line): expected 4 comma-separated cells") != std::string::npos, m);
  BOOST_TEST(m.find(file + ":7: old: this change is listed twice") != std::string::npos, m);
  // Geography::Load reports them too (fail-fast at start-up).
  auto geo = Geography::Load(scratch.dir / "geography.json");
  BOOST_REQUIRE(!geo.ok());
  BOOST_TEST(geo.status().message().find(file + ":4: old:") != std::string::npos, geo.status().message());
}

BOOST_AUTO_TEST_CASE(a_changes_file_needs_its_source_and_header) {
  auto message = [](const std::string& text) {
    Scratch scratch(text);
    auto changes = ReadMunicipalityChanges(scratch.dir / "municipality-changes.csv");
    return changes.ok() ? std::string() : changes.status().message();
  };
  BOOST_TEST(message("old,new,name,until\n3005,3301,Drammen,2023-12-31\n").find(":1: (file): expected a \"# source: ...\" line") !=
             std::string::npos);
  BOOST_TEST(message("# source: x\nold;new;name;until\n").find(":2: (header): expected \"old,new,name,until\"") != std::string::npos);
  BOOST_TEST(message("# source: x\n").find("(header)") != std::string::npos);
  BOOST_TEST(message("# source: x\nold,new,name,until\n").empty());  // no rows is allowed
}

BOOST_AUTO_TEST_CASE(geography_checks_each_change_against_today_s_municipalities) {
  Scratch scratch(
      "# source: a test\n"
      "old,new,name,until\n"
      "4601,3301,Drammen,2023-12-31\n"   // 4601 is a municipality today
      "3005,3399,Drammen,2023-12-31\n"   // no municipality 3399
      "3006,3301,Kongsberg,2023-12-31\n"  // 3301 is Drammen
      "3007,3305,Ringerike,2023-12-31\n");
  auto geo = Geography::Load(scratch.dir / "geography.json");
  BOOST_REQUIRE(!geo.ok());
  const std::string m = geo.status().message(), file = (scratch.dir / "municipality-changes.csv").string();
  BOOST_TEST(m.find(file + ":3: old: 4601 is a municipality today") != std::string::npos, m);
  BOOST_TEST(m.find(file + ":4: new: 3399 is not a municipality in geography.json") != std::string::npos, m);
  BOOST_TEST(m.find(file + ":5: name: geography.json names 3301 \"Drammen\"") != std::string::npos, m);
  BOOST_TEST(m.find(":6:") == std::string::npos, m);
}
