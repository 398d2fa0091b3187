// Group sources: CSV, merging, and the last good snapshot.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "fhir/json/json_reader.h"
#include "plugin/groups/csv_reader.h"
#include "plugin/groups/fhir_directory_source.h"
#include "plugin/groups/group_csv_source.h"
#include "plugin/groups/group_file_source.h"
#include "plugin/groups/hsds_package.h"
#include "plugin/groups/hsds_source.h"
#include "plugin/groups/live_directory.h"
#include "plugin/groups/meeting_guide_source.h"

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
  BOOST_TEST(ReadCsv(std::string("a,b\nAA\0,x\n", 10), keep).message() == "line 2: a NUL character");
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
  // The organisasjonsnummer, which the app's brokered contact needs (its Consent names the receiver).
  std::ofstream(dir / "orgnr.csv") << "id,name,organisation,organisation_number,themes,audience,format\n"
                                   << "s1,Samtalegruppe,Selvhjelp Norge,310900400,general,person,digital\n"
                                   << "s2,Samtalegruppe 2,Selvhjelp Norge,31090,general,person,digital\n";
  auto orgnr = LoadGroupCsv(dir / "orgnr.csv", "region");
  BOOST_TEST(orgnr.status().message().find(":3: organisationNumber: expected a 9-digit organisasjonsnummer") !=
                 std::string::npos, orgnr.status().message());
  std::ofstream(dir / "orgnr.csv") << "id,name,organisation,organisation_number,themes,audience,format\n"
                                   << "s1,Samtalegruppe,Selvhjelp Norge,310900400,general,person,digital\n";
  auto with_orgnr = LoadGroupCsv(dir / "orgnr.csv", "region");
  BOOST_REQUIRE_MESSAGE(with_orgnr.ok(), with_orgnr.status().message());
  BOOST_TEST((*with_orgnr)[0].details->organisation_number == "310900400");
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
  auto first = std::make_shared<const std::vector<Group>>(std::vector<Group>{a});
  auto second = std::make_shared<const std::vector<Group>>(std::vector<Group>{same, other_day});
  auto merged = LiveDirectory::Merge({first, second});
  BOOST_REQUIRE(merged.size() == 2u);
  BOOST_TEST(merged[0] == &(*first)[0]);  // the source's own group, not a copy
  BOOST_TEST(merged[0]->source == "first");
  BOOST_TEST(merged[1]->meetings[0].rrule == "FREQ=WEEKLY;BYDAY=WE");
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
    LiveDirectory live({source}, {}, ledger->get(), clock);
    BOOST_TEST(live.LoadAll().empty());
    BOOST_TEST(live.Current()->size() == 16u);
    BOOST_TEST(!live.States()[0].stale);
  }
  std::ofstream(dir / "groups.json") << "{ not json";  // the source breaks while we are down
  now = 2000;
  auto ledger = Ledger::Open(dir / "store.db");
  BOOST_REQUIRE(ledger.ok());
  LiveDirectory restarted({source}, {}, ledger->get(), clock);
  std::string problems = restarted.LoadAll();
  BOOST_TEST(problems.find("groups.json:1") != std::string::npos, problems);
  BOOST_TEST(restarted.Current()->size() == 16u);  // served from the snapshot
  SourceState state = restarted.States()[0];
  BOOST_TEST(state.stale);
  BOOST_TEST(state.last_success == 1000);
  BOOST_TEST(state.last_attempt == 2000);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_changed_source_default_applies_to_groups_served_from_the_snapshot) {
  fs::path dir = TempDir("selvhjelp-defaults");
  Group g;
  g.id = "g1";
  g.name = "Digital gruppe (syntetisk)";
  g.organisation = "AA";
  g.themes = {"alcohol"};
  g.format = Format::kDigital;
  g.languages = {"nb"};
  g.details.Edit().website = "https://x.example/g1";
  g.source = "region";
  std::ofstream(dir / "groups.json") << GroupsToJson({g});
  selvhjelp::config::GroupSourceConfig source;
  source.name = "region";
  source.type = "json";
  source.path = dir / "groups.json";
  source.national = true;
  source.report_to = "mailto:old@selvhjelp.example";
  int64_t now = 1000;
  auto clock = [&now] { return now; };
  {
    auto ledger = Ledger::Open(dir / "store.db");
    BOOST_REQUIRE(ledger.ok());
    LiveDirectory live({source}, {}, ledger->get(), clock);
    BOOST_TEST(live.LoadAll().empty());
    BOOST_REQUIRE(live.Current()->size() == 1u);
    BOOST_TEST((*live.Current()->groups().begin()).national);
  }
  std::ofstream(dir / "groups.json") << "{ not json";  // served from the snapshot after the restart
  source.national = false;
  source.report_to = "mailto:new@selvhjelp.example";
  auto ledger = Ledger::Open(dir / "store.db");
  BOOST_REQUIRE(ledger.ok());
  LiveDirectory restarted({source}, {}, ledger->get(), clock);
  (void)restarted.LoadAll();
  BOOST_REQUIRE(restarted.Current()->size() == 1u);
  const Group& served = *restarted.Current()->groups().begin();
  BOOST_TEST(!served.national);
  BOOST_TEST(served.report_to == "mailto:new@selvhjelp.example");
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_source_that_suddenly_answers_an_empty_list_does_not_empty_the_directory) {
  fs::path dir = TempDir("selvhjelp-shrink");
  fs::copy(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo/groups.json", dir / "groups.json");
  selvhjelp::config::GroupSourceConfig source;
  source.name = "region";
  source.type = "json";
  source.path = dir / "groups.json";
  source.refresh_seconds = 1;
  int64_t now = 1000;
  auto clock = [&now] { return now; };
  auto ledger = Ledger::Open(dir / "store.db");
  BOOST_REQUIRE(ledger.ok());
  {
    LiveDirectory live({source}, {}, ledger->get(), clock);
    BOOST_TEST(live.LoadAll().empty());
    BOOST_TEST(live.Current()->size() == 16u);
  }
  std::ofstream(dir / "groups.json") << R"({"groups": []})";  // valid, and empty
  now = 2000;
  {
    // After a restart the snapshot is the measure: the empty read is refused.
    LiveDirectory restarted({source}, {}, ledger->get(), clock);
    std::string problems = restarted.LoadAll();
    BOOST_TEST(problems.find("answered 0 groups where it had 16") != std::string::npos, problems);
    BOOST_TEST(restarted.Current()->size() == 16u);
    SourceState state = restarted.States()[0];
    BOOST_TEST(state.stale);
    BOOST_TEST(state.shrink_refused);
    BOOST_TEST(state.last_success == 1000);
    BOOST_TEST(restarted.StatusJson().Find("sources")->items()[0].FindInt("refusedReadGroups").value_or(-1) == 0);
  }
  source.max_shrink_percent = 100;  // the hospital accepts the change
  LiveDirectory accepting({source}, {}, ledger->get(), clock);
  BOOST_TEST(accepting.LoadAll().empty());
  BOOST_TEST(accepting.Current()->size() == 0u);
  BOOST_TEST(!accepting.States()[0].shrink_refused);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(meeting_guide_feed_becomes_weekly_groups_with_mapped_types) {
  const fs::path data = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";
  auto geography = selvhjelp::mappings::Geography::Load(data / "geography.json");
  auto types = selvhjelp::mappings::CategoryMap::Load(data / "meeting-guide-types.json");
  BOOST_REQUIRE(geography.ok() && types.ok());
  fs::path dir = TempDir("selvhjelp-mg");
  // Synthetic meetings in the Meeting Guide format.
  std::ofstream(dir / "feed.json") << R"json([
    {"name": "Tirsdagsgruppa (syntetisk)", "slug": "tirsdag", "day": 2, "time": "19:00", "end_time": "20:30",
     "types": ["O", "NO"], "address": "Eksempelgata 1", "city": "Bergen", "postal_code": "5003",
     "updated": "2026-10-01 12:00:00"},
    {"name": "Online English (synthetic)", "slug": "online-en", "day": [1, 4], "time": "20:00",
     "types": ["EN", "ONL"], "conference_url": "https://meet.example/aa", "attendance_option": "online"},
    {"name": "Hybrid (syntetisk)", "slug": "hybrid", "day": 0, "time": "18:00", "types": ["AL-AN"],
     "attendance_option": "hybrid", "city": "Trondheim"},
    {"name": "Nedlagt", "slug": "closed", "day": 3, "time": "19:00", "attendance_option": "inactive"}
  ])json";
  MeetingGuideSource source{"aa-feed", "AA", {"alcohol"}, &*types, &*geography};
  auto groups = LoadMeetingGuide(dir / "feed.json", source);
  BOOST_REQUIRE_MESSAGE(groups.ok(), groups.status().message());
  BOOST_REQUIRE(groups->size() == 3u);  // the inactive meeting is left out
  const Group& tuesday = (*groups)[0];
  BOOST_TEST(tuesday.meetings[0].rrule == "FREQ=WEEKLY;BYDAY=TU");
  BOOST_TEST(tuesday.meetings[0].duration == "PT90M");
  BOOST_TEST(tuesday.address.municipality == "4601");
  BOOST_TEST(tuesday.languages == std::vector<std::string>{"nb"});
  BOOST_TEST(tuesday.twelve_step);
  BOOST_TEST(tuesday.organisation == "AA");
  BOOST_TEST(tuesday.last_confirmed == "2026-10-01");
  const Group& online = (*groups)[1];
  BOOST_TEST((online.format == Format::kDigital));
  BOOST_TEST(online.meetings[0].rrule == "FREQ=WEEKLY;BYDAY=MO,TH");
  BOOST_TEST(online.languages == std::vector<std::string>{"en"});
  const Group& hybrid = (*groups)[2];
  BOOST_TEST((hybrid.format == Format::kBoth));
  BOOST_TEST((hybrid.audience == Audience::kBoth));
  BOOST_TEST(hybrid.address.municipality == "5001");  // placed by city

  std::ofstream(dir / "bad.json") << "[\n"
      R"json({"name": "A", "slug": "a", "day": 9, "time": "19:00", "city": "Bergen"},)json" "\n"
      R"json({"name": "B", "slug": "b", "day": 1, "time": "7pm", "city": "Atlantis"})json" "\n]";
  auto bad = LoadMeetingGuide(dir / "bad.json", source);
  BOOST_REQUIRE(!bad.ok());
  const std::string f = (dir / "bad.json").string();
  BOOST_TEST(bad.status().message().find(f + ":2: [0].day: expected 0 (Sunday) to 6") != std::string::npos, bad.status().message());
  BOOST_TEST(bad.status().message().find(f + ":3: [1].time: expected HH:MM") != std::string::npos);
  BOOST_TEST(bad.status().message().find(f + ":3: [1]: cannot place this meeting") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(hsds_services_keep_their_rrules_and_map_taxonomy_terms) {
  const fs::path data = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";
  auto geography = selvhjelp::mappings::Geography::Load(data / "geography.json");
  auto taxonomy = selvhjelp::mappings::CategoryMap::Load(data / "hsds-taxonomy.json");
  BOOST_REQUIRE(geography.ok() && taxonomy.ok());
  HsdsSource source{"hsds-region", &*taxonomy, &*geography};
  auto groups = LoadHsdsFile(fs::path(SELVHJELP_SOURCE_DIR) / "tests/data/hsds/services.json", source);
  BOOST_REQUIRE_MESSAGE(groups.ok(), groups.status().message());
  BOOST_REQUIRE(groups->size() == 2u);  // the defunct service is left out
  const Group& relatives = (*groups)[0];
  BOOST_TEST(relatives.meetings[0].rrule == "FREQ=MONTHLY;BYDAY=2TU");  // every second Tuesday survives
  BOOST_TEST(relatives.meetings[0].duration == "PT90M");
  BOOST_TEST((relatives.audience == Audience::kRelatives));
  BOOST_TEST(relatives.themes == (std::vector<std::string>{"alcohol", "relatives"}));
  BOOST_TEST(relatives.address.municipality == "5001");
  BOOST_TEST(relatives.organisation == "Selvhjelp Norge");
  BOOST_TEST(relatives.last_confirmed == "2026-09-01");
  const Group& online = (*groups)[1];
  BOOST_TEST((online.format == Format::kDigital));
  BOOST_TEST(online.meetings[0].rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE");
  BOOST_TEST(online.themes == std::vector<std::string>{"gambling"});

  fs::path dir = TempDir("selvhjelp-hsds");
  std::ofstream(dir / "bad.json") << "[\n"
      R"json({"id": "a", "name": "A", "status": "active", "schedules": [{"id": "s", "freq": "DAILY", "opens_at": "10:00"}]})json"
      "\n]";
  auto bad = LoadHsdsFile(dir / "bad.json", source);
  BOOST_REQUIRE(!bad.ok());
  const std::string f = (dir / "bad.json").string();
  BOOST_TEST(bad.status().message().find(f + ":2: [0].organization: required but missing") != std::string::npos, bad.status().message());
  BOOST_TEST(bad.status().message().find(f + ":2: [0].schedules[0].freq: expected WEEKLY or MONTHLY") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(hsds_data_package_round_trip_keeps_every_group) {
  const fs::path data = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";
  auto geography = selvhjelp::mappings::Geography::Load(data / "geography.json");
  auto taxonomy = selvhjelp::mappings::CategoryMap::Load(data / "hsds-taxonomy.json");
  auto demo = LoadGroupFile(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo/groups.json", "demo");
  BOOST_REQUIRE(geography.ok() && taxonomy.ok() && demo.ok());
  fs::path dir = TempDir("selvhjelp-hsds-package");
  std::vector<const Group*> all;
  for (const Group& g : *demo) all.push_back(&g);
  BOOST_REQUIRE(WriteHsdsPackage(all, &*geography, dir / "package").ok());
  BOOST_TEST(fs::exists(dir / "package" / "datapackage.json"));
  BOOST_TEST(fs::exists(dir / "package" / "service_at_location.csv"));  // the spec's name, singular
  auto back = LoadHsdsPackage(dir / "package", {"package", &*taxonomy, &*geography});
  BOOST_REQUIRE_MESSAGE(back.ok(), back.status().message());
  BOOST_REQUIRE(back->size() == demo->size());
  for (size_t i = 0; i < demo->size(); ++i) {
    const Group& before = (*demo)[i];
    const Group& after = (*back)[i];
    BOOST_TEST(after.name == before.name);
    BOOST_TEST(after.organisation == before.organisation);
    auto sorted = [](std::vector<std::string> v) { std::sort(v.begin(), v.end()); return v; };
    BOOST_TEST(sorted(after.themes) == sorted(before.themes), before.name);  // order carries no meaning
    BOOST_TEST((after.audience == before.audience), before.name);
    BOOST_TEST(after.twelve_step == before.twelve_step, before.name);
    BOOST_TEST((after.format == before.format), before.name);
    BOOST_TEST(after.address.municipality == before.address.municipality, before.name);
    BOOST_REQUIRE_EQUAL(after.meetings.size(), before.meetings.size());  // none for a contact point
    BOOST_TEST((after.kind == before.kind), before.name);
    BOOST_TEST((after.access == before.access), before.name);
    BOOST_TEST(after.min_age == before.min_age, before.name);
    BOOST_TEST(after.report_to == before.report_to, before.name);
    if (before.meetings.empty()) continue;
    BOOST_TEST(after.meetings[0].rrule == before.meetings[0].rrule, before.name);  // incl. MONTHLY 2TU
    BOOST_TEST(after.meetings[0].duration == before.meetings[0].duration, before.name);
  }
  fs::remove(dir / "package" / "schedules.csv");
  auto missing = LoadHsdsPackage(dir / "package", {"package", &*taxonomy, &*geography});
  BOOST_TEST(missing.status().message().find("schedules.csv: cannot be read") != std::string::npos, missing.status().message());
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(other_fhir_directories_codes_mean_what_the_table_says) {
  fs::path dir = TempDir("selvhjelp-fhir-codes");
  std::ofstream(dir / "map.json") << R"json({"codes": {
    "https://directory.example/cs|peer-alcohol": {"themes": ["alcohol"], "twelveStep": true},
    "https://directory.example/cs|for-families": {"audience": "relatives"}}})json";
  auto categories = selvhjelp::mappings::CategoryMap::Load(dir / "map.json");
  BOOST_REQUIRE(categories.ok());
  auto bundle = selvhjelp::fhir::ParseJson(R"json({"resourceType": "Bundle", "type": "searchset", "entry": [
    {"resource": {"resourceType": "HealthcareService", "id": "x1", "name": "Familiegruppe", "active": true,
      "type": [{"coding": [{"system": "https://directory.example/cs", "code": "peer-alcohol"}]}],
      "characteristic": [{"coding": [{"system": "https://directory.example/cs", "code": "for-families"}]}],
      "location": [{"reference": "Location/l1"}]}},
    {"resource": {"resourceType": "Location", "id": "l1", "address": {"city": "Bergen", "_district": {"extension": [
      {"url": "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode", "valueCoding": {"code": "4601"}}]}}},
     "search": {"mode": "include"}},
    {"resource": {"resourceType": "HealthcareService", "id": "x2", "name": "Closed", "active": false}}]})json");
  BOOST_REQUIRE(bundle.ok());
  auto read = GroupsFromFhirBundle(*bundle, "regional", &*categories);
  BOOST_REQUIRE(read.ok());
  BOOST_TEST(read->rejected.empty());
  auto groups = &read->groups;
  BOOST_REQUIRE(groups->size() == 1u);
  BOOST_TEST((*groups)[0].themes == std::vector<std::string>{"alcohol"});
  BOOST_TEST((*groups)[0].twelve_step);
  BOOST_TEST(((*groups)[0].audience == Audience::kRelatives));
  BOOST_TEST((*groups)[0].address.municipality == "4601");  // from the _include'd Location
  fs::remove_all(dir);
}
