// Group sources: CSV, merging, and the last good snapshot.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "plugin/groups/csv_reader.h"
#include "plugin/groups/group_csv_source.h"
#include "plugin/groups/group_file_source.h"
#include "plugin/groups/live_directory.h"

using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {
fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
constexpr const char* kHeader =
    "id,name,organisation,themes,audience,twelve_step,format,languages,rrule,start_time,duration,"
    "address_line,municipality,postal_code,city,latitude,longitude,phone,email,website,last_confirmed,synthetic\n";
}  // namespace

BOOST_AUTO_TEST_CASE(csv_reader_handles_quotes_and_line_numbers) {
  std::vector<CsvRow> rows;
  auto keep = [&rows](CsvRow row) { rows.push_back(std::move(row)); };
  BOOST_REQUIRE(ReadCsv("a,b\n\"x, \"\"y\"\"\",z\r\n\n\"multi\nline\",w\n", keep).ok());
  BOOST_TEST(rows.size() == 3u);
  BOOST_TEST(rows[1].cells[0] == "x, \"y\"");
  BOOST_TEST(rows[2].line == 4);
  BOOST_TEST(rows[2].cells[0] == "multi\nline");
  BOOST_TEST(ReadCsv("a,\"open\n", keep).message() == "line 1: unterminated quoted field");
}

BOOST_AUTO_TEST_CASE(csv_groups_load_and_errors_name_their_lines) {
  fs::path dir = TempDir("selvhjelp-csv");
  std::ofstream(dir / "good.csv") << kHeader
      << "b1,Gruppe Bergen,Selvhjelp Norge,alcohol;drugs,person,no,in-person,nb;en,FREQ=WEEKLY;BYDAY=TU,19:00,PT90M,"
         "Gate 1,4601,5003,Bergen,60.39,5.32,,,https://www.selvhjelp.no,2026-11-01,yes\n"
      << "d1,\"Digital, kveld\",AA,alcohol,both,yes,digital,,FREQ=WEEKLY;BYDAY=MO,20:00,,,,,,,,,,,,yes\n";
  auto good = LoadGroupCsv(dir / "good.csv", "region");
  BOOST_REQUIRE_MESSAGE(good.ok(), good.status().message());
  BOOST_TEST(good->size() == 2u);
  BOOST_TEST((*good)[0].themes == (std::vector<std::string>{"alcohol", "drugs"}));
  BOOST_TEST(*(*good)[0].address.latitude == 60.39);
  BOOST_TEST((*good)[1].name == "Digital, kveld");
  BOOST_TEST((*good)[1].twelve_step);

  std::ofstream(dir / "bad.csv") << kHeader
      << "ok1,Gruppe,AA,alcohol,person,yes,in-person,,FREQ=WEEKLY;BYDAY=TU,19:00,,,0301,,Oslo,,,,,,,yes\n"
      << "x2,Gruppe 2,AA,alcohol,everyone,yes,in-person,,FREQ=WEEKLY;BYDAY=TU,19:00,,,0301,,Oslo,,,,,,,yes\n"
      << "x3,Gruppe 3,AA,alcohol,person,maybe,in-person,,FREQ=WEEKLY;BYDAY=TU,25:00,,,46O1,,Bergen,north,,,,,,yes\n"
      << "x4,too few cells\n";
  auto bad = LoadGroupCsv(dir / "bad.csv", "region");
  BOOST_REQUIRE(!bad.ok());
  const std::string& m = bad.status().message();
  const std::string f = (dir / "bad.csv").string();
  for (const std::string& expected :
       {f + ":3: audience: expected person, relatives or both", f + ":4: twelveStep: expected true or false",
        f + ":4: meetings[0].startTime: expected HH:MM", f + ":4: address.municipality: expected a 4-digit",
        f + ":4: address.latitude: expected a number of degrees", f + ":5: (row): has 2 cells; the header has 22"}) {
    BOOST_TEST(m.find(expected) != std::string::npos, expected << "\n in: " << m);
  }
  BOOST_TEST(m.find(":2:") == std::string::npos);  // the good row has no problem
  std::ofstream(dir / "header.csv") << "id,name,colour\n";
  auto header = LoadGroupCsv(dir / "header.csv", "region");
  BOOST_TEST(header.status().message().find(":1: colour: unknown column") != std::string::npos);
  BOOST_TEST(header.status().message().find(":1: organisation: required column missing") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(merge_keeps_one_group_per_name_place_and_time_first_source_wins) {
  Group a;
  a.id = "1";
  a.name = "AA Sentrum";
  a.source = "first";
  a.address.municipality = "0301";
  a.meetings = {{"FREQ=WEEKLY;BYDAY=TU", "19:00", ""}};
  Group same = a;
  same.name = "aa  sentrum";
  same.source = "second";
  Group other_day = same;
  other_day.meetings = {{"FREQ=WEEKLY;BYDAY=WE", "19:00", ""}};
  auto merged = LiveDirectory::Merge({{a}, {same, other_day}});
  BOOST_REQUIRE(merged.size() == 2u);
  BOOST_TEST(merged[0].source == "first");
  BOOST_TEST(merged[1].meetings[0].rrule == "FREQ=WEEKLY;BYDAY=WE");
}

BOOST_AUTO_TEST_CASE(a_failing_source_keeps_its_last_good_snapshot_across_restarts) {
  fs::path dir = TempDir("selvhjelp-live");
  fs::copy(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo/groups.json", dir / "groups.json");
  selvhjelp::config::GroupSourceConfig source;
  source.name = "region";
  source.type = "json";
  source.path = dir / "groups.json";
  int64_t now = 1000;
  auto clock = [&now] { return now; };
  {
    auto ledger = Ledger::Open(dir / "store.db");
    BOOST_REQUIRE(ledger.ok());
    LiveDirectory live({source}, nullptr, ledger->get(), clock);
    BOOST_TEST(live.LoadAll().empty());
    BOOST_TEST(live.Current()->size() == 16u);
    BOOST_TEST(!live.States()[0].stale);
  }
  std::ofstream(dir / "groups.json") << "{ not json";  // the source breaks while we are down
  now = 2000;
  auto ledger = Ledger::Open(dir / "store.db");
  BOOST_REQUIRE(ledger.ok());
  LiveDirectory restarted({source}, nullptr, ledger->get(), clock);
  std::string problems = restarted.LoadAll();
  BOOST_TEST(problems.find("groups.json:1") != std::string::npos, problems);
  BOOST_TEST(restarted.Current()->size() == 16u);  // served from the snapshot
  SourceState state = restarted.States()[0];
  BOOST_TEST(state.stale);
  BOOST_TEST(state.last_success == 1000);
  BOOST_TEST(state.last_attempt == 2000);
  fs::remove_all(dir);
}
