// Contact points, national services and the attributes people choose by (open/closed, age limit,
// wheelchair access, languages, temporarily closed, report link): read from every source type,
// written by every writer, and chosen by the directory.
#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "fhir/json/json_reader.h"
#include "mappings/category_map.h"
#include "mappings/geography.h"
#include "plugin/groups/closure_period.h"
#include "plugin/groups/fhir_directory_source.h"
#include "plugin/groups/group_csv_source.h"
#include "plugin/groups/group_directory.h"
#include "plugin/groups/group_file_source.h"
#include "plugin/groups/healthcare_service.h"
#include "plugin/groups/hsds_package.h"
#include "plugin/groups/hsds_source.h"
#include "plugin/groups/meeting_guide_source.h"
#include "plugin/groups/source_defaults.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";

// A LINK centre that starts Selvhjelp Norge's closed groups in Bergen and two neighbours.
Group LinkCentre() {
  Group g;
  g.id = "link-bergen";
  g.name = "LINK Bergen (syntetisk)";
  g.organisation = "Selvhjelp Norge";
  g.themes = {"alcohol", "drugs"};
  g.languages = {"en", "nb"};
  g.address = {"Eksempelkaien 6", "4601", "5014", "Bergen", std::nullopt, std::nullopt};
  g.details.Edit().email = "link@selvhjelp.example";
  g.details.Edit().website = "https://www.selvhjelp.no/bli-med/hva-er-en-selvorganisert-selvhjelpsgruppe/";
  g.source = "region";
  g.synthetic = true;
  g.kind = ListingKind::kContactPoint;
  g.access = Access::kClosed;
  g.min_age = 18;
  g.wheelchair = true;
  g.report_to = "mailto:katalog@selvhjelp.example";
  return g;
}

// An open meeting group, temporarily closed until a day in `until`.
Group ClosedMeeting(const std::string& id, const std::string& until) {
  Group g;
  g.id = id;
  g.name = "Møte " + id + " (syntetisk)";
  g.organisation = "AA";
  g.themes = {"alcohol"};
  g.twelve_step = true;
  g.languages = {"nb"};
  g.meetings = {{"FREQ=WEEKLY;BYDAY=TU", "19:00", "PT90M"}};
  g.address = {"Gate 1", "4601", "5003", "Bergen", std::nullopt, std::nullopt};
  g.source = "region";
  g.access = Access::kOpen;
  g.temporarily_closed = true;
  g.details.Edit().closed_until = until;
  return g;
}

// Every attribute this feature adds, compared.
void CheckSameListing(const Group& got, const Group& want, const std::string& where) {
  BOOST_TEST_CONTEXT(where) {
    BOOST_TEST((got.kind == want.kind));
    BOOST_TEST((got.access == want.access));
    BOOST_TEST(got.min_age == want.min_age);
    BOOST_TEST(got.wheelchair == want.wheelchair);
    BOOST_TEST(got.temporarily_closed == want.temporarily_closed);
    BOOST_TEST(got.details->closed_from == want.details->closed_from);
    BOOST_TEST(got.details->closed_until == want.details->closed_until);
    BOOST_TEST(got.national == want.national);
    BOOST_TEST(got.report_to == want.report_to);
    BOOST_TEST(got.languages == want.languages);
    BOOST_TEST(got.meetings.size() == want.meetings.size());
  }
}

fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

BOOST_AUTO_TEST_CASE(json_group_file_reads_and_writes_contact_points_and_attributes) {
  Group national = LinkCentre();
  national.id = "helpline";
  national.format = Format::kDigital;
  national.address = {};
  national.national = true;
  const std::vector<Group> groups = {LinkCentre(), ClosedMeeting("m1", "2099-01-01"), national};
  std::vector<Group> with_areas = groups;
  with_areas[0].details.Edit().areas = {"4624", "4627"};
  auto read = ParseGroupDocument(GroupsToJson(with_areas), "groups.json", "region");
  BOOST_REQUIRE_MESSAGE(read.ok(), read.status().message());
  BOOST_REQUIRE(read->size() == 3u);
  for (size_t i = 0; i < groups.size(); ++i) CheckSameListing((*read)[i], with_areas[i], "json " + std::to_string(i));
  BOOST_TEST((*read)[0].details->areas == (std::vector<std::string>{"4624", "4627"}));

  auto bad = ParseGroupDocument(R"x({"groups": [
    {"id": "a", "name": "A", "organisation": "X", "themes": ["alcohol"], "audience": "person", "format": "digital",
     "kind": "contact-point", "meetings": [{"rrule": "FREQ=WEEKLY;BYDAY=MO", "startTime": "19:00"}], "website": "https://x.example"},
    {"id": "b", "name": "B", "organisation": "X", "themes": ["alcohol"], "audience": "person", "format": "digital",
     "kind": "contact-point"},
    {"id": "c", "name": "C", "organisation": "X", "themes": ["alcohol"], "audience": "person", "format": "digital",
     "closedUntil": "in December", "reportTo": "tel:+4712345678", "access": "sometimes", "minAge": 0, "areas": ["4601"],
     "scope": "global", "kind": "club"}
  ]})x", "groups.json", "region");
  BOOST_REQUIRE(!bad.ok());
  // An element that is not a string does not shift the index named for a later bad one.
  auto shifted = ParseGroupDocument(R"x({"groups": [
    {"id": "d", "name": "D", "organisation": "X", "themes": ["alcohol"], "audience": "person", "format": "digital",
     "kind": "contact-point", "website": "https://x.example", "areas": [4601, "4624", "Bergen"]}
  ]})x", "groups.json", "region");
  BOOST_REQUIRE(!shifted.ok());
  BOOST_TEST(shifted.status().message().find("groups[0].areas[2]: expected a 4-digit municipality number") !=
                 std::string::npos, shifted.status().message());
  BOOST_TEST(shifted.status().message().find("areas[1]") == std::string::npos, shifted.status().message());
  const std::string& m = bad.status().message();
  for (const char* expected :
       {"groups.json:3: groups[0].meetings: a contact point has no schedule",
        "groups.json:4: groups[1].phone: a contact point needs a phone, email or website to contact",
        "groups[2].closedUntil: expected a date, YYYY-MM-DD", "groups[2].reportTo: expected a mailto: or http(s) URL",
        "groups[2].access: expected open or closed", "groups[2].minAge", "groups[2].areas: only a contact point covers areas",
        "groups[2].scope: expected local or national", "groups[2].kind: expected meeting-group or contact-point"}) {
    BOOST_TEST(m.find(expected) != std::string::npos, expected << " in\n" << m);
  }
}

BOOST_AUTO_TEST_CASE(csv_reads_contact_points_and_attributes) {
  const std::string csv =
      "id,name,organisation,themes,audience,format,languages,address_line,municipality,postal_code,city,email,website,"
      "kind,areas,access,min_age,wheelchair,temporarily_closed,closed_until,scope,report_to\n"
      "link,LINK Bergen (syntetisk),Selvhjelp Norge,alcohol;drugs,person,in-person,en;nb,Eksempelkaien 6,4601,5014,Bergen,"
      "link@selvhjelp.example,https://www.selvhjelp.no/bli-med/hva-er-en-selvorganisert-selvhjelpsgruppe/,"
      "contact-point,4624;4627,closed,18,yes,,,local,mailto:katalog@selvhjelp.example\n"
      "m1,Møte m1 (syntetisk),AA,alcohol,person,in-person,nb,Gate 1,4601,5003,Bergen,,,,,open,,no,yes,2099-01-01,,\n";
  auto read = ParseGroupCsv(csv, "groups.csv", "region");
  BOOST_REQUIRE_MESSAGE(read.ok(), read.status().message());
  BOOST_REQUIRE(read->size() == 2u);
  Group link = LinkCentre();
  CheckSameListing((*read)[0], link, "csv contact point");
  BOOST_TEST((*read)[0].details->areas == (std::vector<std::string>{"4624", "4627"}));
  Group closed = ClosedMeeting("m1", "2099-01-01");
  closed.meetings.clear();  // the row has no rule
  CheckSameListing((*read)[1], closed, "csv closed meeting");

  auto bad = ParseGroupCsv("id,name,organisation,themes,audience,format,kind,min_age\n"
                           "x,X,AA,alcohol,person,digital,contact-point,old\n", "groups.csv", "region");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.status().message().find("groups.csv:2: phone: a contact point needs") != std::string::npos, bad.status().message());
  BOOST_TEST(bad.status().message().find("groups.csv:2: minAge") != std::string::npos, bad.status().message());
}

BOOST_AUTO_TEST_CASE(meeting_guide_types_mean_attributes_and_a_meeting_without_a_day_is_a_contact_point) {
  auto types = mappings::CategoryMap::Load(kData / "meeting-guide-types.json");
  auto geography = mappings::Geography::Load(kData / "geography.json");
  BOOST_REQUIRE(types.ok());
  BOOST_REQUIRE(geography.ok());
  MeetingGuideSource source{"aa-feed", "AA", {"alcohol"}, &*types, &*geography};
  auto read = ParseMeetingGuide(R"x([
    {"name": "Open meeting (syntetisk)", "slug": "open", "day": 2, "time": "19:00", "end_time": "20:30",
     "types": ["O", "X", "EN", "NB", "TC"], "postal_code": "5003", "city": "Bergen",
     "feedback_url": "https://feed.example/feedback?meeting=open"},
    {"name": "Closed meeting (syntetisk)", "slug": "closed", "day": 4, "time": "18:00", "types": ["C", "POL", "NO"],
     "postal_code": "5003", "city": "Bergen"},
    {"name": "Kontakt for nye grupper (syntetisk)", "slug": "contact", "email": "kontakt@feed.example",
     "postal_code": "5003", "city": "Bergen"},
    {"name": "Moved online (syntetisk)", "slug": "tc-url", "day": 1, "time": "19:00", "types": ["TC"],
     "conference_url": "https://meet.example/aa", "postal_code": "5003", "city": "Bergen"},
    {"name": "Dial in (syntetisk)", "slug": "tc-phone", "day": 1, "time": "20:00", "types": ["TC", "X"],
     "conference_phone": "+4712345678", "postal_code": "5003", "city": "Bergen"}
  ])x", "feed.json", source);
  BOOST_REQUIRE_MESSAGE(read.ok(), read.status().message());
  BOOST_REQUIRE(read->size() == 5u);
  const Group& open = (*read)[0];
  BOOST_TEST((open.access == Access::kOpen));
  BOOST_TEST(open.wheelchair);
  BOOST_TEST(open.temporarily_closed);
  BOOST_TEST(open.details->closed_until.empty());  // TC says no date: closed until the feed says otherwise
  BOOST_TEST(open.languages == (std::vector<std::string>{"en"}));  // NB is Non-Binary, not bokmål
  BOOST_TEST(open.report_to == "https://feed.example/feedback?meeting=open");
  const Group& closed = (*read)[1];
  BOOST_TEST((closed.access == Access::kClosed));
  BOOST_TEST(closed.languages == (std::vector<std::string>{"nb", "pl"}));  // NO: Norwegian
  BOOST_TEST(!closed.temporarily_closed);
  const Group& contact = (*read)[2];
  BOOST_TEST(IsContactPoint(contact));
  BOOST_TEST(contact.meetings.empty());
  BOOST_TEST(!IsContactPoint(open));
  // TC closes the place, not the meeting: with a conference link or phone it goes on online.
  for (size_t i : {3u, 4u}) {
    const Group& moved = (*read)[i];
    BOOST_TEST_CONTEXT(moved.id) {
      BOOST_TEST(!moved.temporarily_closed);
      BOOST_TEST((moved.format == Format::kDigital));
      BOOST_TEST(moved.address.municipality.empty());  // no place to go to
    }
  }
  BOOST_TEST((*read)[3].details->website == "https://meet.example/aa");
  // A report link is http(s) or mailto: a tel: feedback_url is a problem and left out.
  auto tel = ParseMeetingGuide(R"x([{"name": "T (syntetisk)", "slug": "t", "day": 1, "time": "19:00",
    "postal_code": "5003", "city": "Bergen", "feedback_url": "tel:+4712345678"}])x", "feed.json", source);
  BOOST_REQUIRE(!tel.ok());
  BOOST_TEST(tel.status().message().find("[0].feedback_url: expected an http(s) or mailto URL") != std::string::npos,
             tel.status().message());
  BOOST_TEST((*read)[4].details->phone == "+4712345678");
}

BOOST_AUTO_TEST_CASE(hsds_services_carry_contact_points_and_attributes_both_ways) {
  auto taxonomy = mappings::CategoryMap::Load(kData / "hsds-taxonomy.json");
  auto geography = mappings::Geography::Load(kData / "geography.json");
  BOOST_REQUIRE(taxonomy.ok());
  BOOST_REQUIRE(geography.ok());
  const HsdsSource source{"region", &*taxonomy, &*geography};
  // The compiled form, as an HSDS API or file gives it.
  auto read = ParseHsds(R"x([{
    "id": "s1", "name": "LINK Bergen (syntetisk)", "status": "temporarily closed", "minimum_age": 18,
    "email": "link@selvhjelp.example",
    "service_areas": [{"name": "Bergen"}, {"name": "4624"}, {"name": "Bjørnafjorden"}, {"name": "Vestland"}],
    "organization": {"id": "o1", "name": "Selvhjelp Norge"}, "schedules": [], "languages": [{"code": "nb"}],
    "attributes": [{"taxonomy_term": {"code": "contact-point"}}, {"taxonomy_term": {"code": "closed-group"}},
                   {"taxonomy_term": {"code": "temporarily-closed-until"}, "value": "2099-01-01"},
                   {"taxonomy_term": {"code": "report-wrong-information"}, "value": "mailto:katalog@selvhjelp.example"}],
    "service_at_locations": [{"location": {"location_type": "physical", "accessibility": [{"description": "wheelchair"}],
      "addresses": [{"address_1": "Eksempelkaien 6", "city": "Bergen", "postal_code": "5014"}]}}]
  }, {
    "id": "s2", "name": "Defunct", "status": "defunct", "organization": {"id": "o1", "name": "X"}, "schedules": []
  }])x", "services.json", source);
  BOOST_REQUIRE_MESSAGE(read.ok(), read.status().message());
  BOOST_REQUIRE(read->size() == 1u);
  Group want = LinkCentre();
  want.languages = {"nb"};
  want.temporarily_closed = true;
  want.details.Edit().closed_until = "2099-01-01";
  CheckSameListing((*read)[0], want, "hsds compiled");
  // Its address's own municipality (Bergen), a county and a second name for 4624 add no area.
  BOOST_TEST((*read)[0].details->areas == (std::vector<std::string>{"4624"}));

  // The data package: written, then read back.
  const fs::path dir = TempDir("selvhjelp-listings-hsds");
  Group national = LinkCentre();
  national.id = "helpline";
  national.name = "Hjelpetelefon (syntetisk)";
  national.format = Format::kDigital;
  national.address = {};
  national.national = true;
  national.wheelchair = false;
  const Group closed = ClosedMeeting("m1", "2099-01-01");
  Group covering = want;  // and the municipalities it covers: service areas
  covering.details.Edit().areas = {"4624", "4627"};
  const std::vector<const Group*> groups = {&covering, &closed, &national};
  BOOST_REQUIRE(WriteHsdsPackage(groups, &*geography, dir).ok());
  {
    // "Closed" is Meeting Guide's C (those with the problem) and Selvhjelp Norge's (members): the
    // term says neither alone.
    std::ifstream in(dir / "taxonomy_terms.csv");
    std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(csv.find("closed-group,closed-group,\"Closed: not open to everyone (members only, or only those with the problem)\"") !=
                   std::string::npos, csv);
  }
  auto package = LoadHsdsPackage(dir, source);
  BOOST_REQUIRE_MESSAGE(package.ok(), package.status().message());
  BOOST_REQUIRE(package->size() == 3u);
  for (const Group* g : groups) {
    auto it = std::find_if(package->begin(), package->end(), [&](const Group& r) { return r.name == g->name; });
    BOOST_REQUIRE(it != package->end());
    CheckSameListing(*it, *g, "hsds package " + g->id);
    BOOST_TEST(it->details->areas == g->details->areas, g->id);
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(fhir_healthcare_service_carries_contact_points_and_attributes_both_ways) {
  Group national = LinkCentre();
  national.id = "helpline";
  national.format = Format::kDigital;
  national.address = {};
  national.national = true;
  national.access = Access::kUnknown;
  national.min_age = 0;
  national.wheelchair = false;
  Group link = LinkCentre();
  link.temporarily_closed = true;  // closed from a day, without a day it opens again
  link.details.Edit().closed_from = "2026-11-01";
  link.details.Edit().areas = {"4624", "4627"};  // coverageArea
  const std::vector<Group> groups = {link, ClosedMeeting("m1", "2099-01-01"), national};
  std::vector<const Group*> pointers;
  for (const Group& g : groups) pointers.push_back(&g);
  fhir::JsonValue bundle = HealthcareServiceBundle(pointers, "searchset", "https://x.example/directory");
  const fhir::JsonValue& first = *bundle.Find("entry")->items()[0].Find("resource");
  BOOST_TEST(first.Find("availableTime") == nullptr);  // a contact point has no schedule
  BOOST_TEST(*first.FindPath({"notAvailable"})->items()[0].FindString("description") == "Temporarily closed");
  BOOST_TEST(*first.FindPath({"notAvailable"})->items()[0].FindPath({"during", "start"})->AsString() == "2026-11-01");
  // Period.end is the last unavailable moment: the day before the one it opens again.
  const fhir::JsonValue& second = *bundle.Find("entry")->items()[1].Find("resource");
  BOOST_TEST(*second.FindPath({"notAvailable"})->items()[0].FindPath({"during", "end"})->AsString() == "2098-12-31");
  auto read = GroupsFromFhirBundle(bundle, "region", nullptr);
  BOOST_REQUIRE_MESSAGE(read.ok(), read.status().message());
  BOOST_REQUIRE(read->groups.size() == 3u);
  for (size_t i = 0; i < groups.size(); ++i) {
    CheckSameListing(read->groups[i], groups[i], "fhir " + std::to_string(i));
    BOOST_TEST(read->groups[i].details->areas == groups[i].details->areas, i);
  }
}

BOOST_AUTO_TEST_CASE(fhir_not_available_closes_a_group_only_within_its_period) {
  BOOST_TEST(*FirstDayOf("2098") == "2098-01-01");
  BOOST_TEST(*FirstDayOf("2098-12") == "2098-12-01");
  BOOST_TEST(*FirstDayOf("2098-12-10T18:00:00+01:00") == "2098-12-10");
  BOOST_TEST(*DayAfterLastOf("2098") == "2099-01-01");
  BOOST_TEST(*DayAfterLastOf("2098-12") == "2099-01-01");
  BOOST_TEST(*DayAfterLastOf("2024-02") == "2024-03-01");
  BOOST_TEST(*DayAfterLastOf("2098-12-31") == "2099-01-01");
  BOOST_TEST(*DayAfterLastOf("2098-12-10T12:00:00Z") == "2098-12-11");
  BOOST_TEST(*DayBefore("2024-03-01") == "2024-02-29");
  for (const char* bad : {"", "in December", "2098-13", "2098-02-30", "2098-12-10T18:00", "209"}) {
    BOOST_TEST(!FirstDayOf(bad), bad);
    BOOST_TEST(!DayAfterLastOf(bad), bad);
  }

  // One service per case: a description only, a closure ahead, partial dates, an open-ended
  // closure on now, one over, and of several the one on now.
  auto service = [](const std::string& id, const std::string& not_available) {
    return R"({"resource": {"resourceType": "HealthcareService", "id": ")" + id + R"(", "name": ")" + id +
           R"(", "notAvailable": )" + not_available + "}}";
  };
  const std::string bundle_text = R"({"resourceType": "Bundle", "type": "searchset", "entry": [)" +
      service("holidays", R"([{"description": "Not on public holidays"}])") + "," +
      service("ahead", R"([{"description": "Closed", "during": {"start": "2099-01-01"}}])") + "," +
      service("partial", R"([{"description": "Closed", "during": {"start": "2000", "end": "2098-12"}}])") + "," +
      service("open-ended", R"([{"description": "Closed", "during": {"start": "2000-01-01"}}])") + "," +
      service("over", R"([{"description": "Closed", "during": {"start": "2000-01-01", "end": "2000-02-01"}}])") + "," +
      service("several", R"([{"description": "Later", "during": {"start": "2099-03-01", "end": "2099-03-10"}},
                             {"description": "Now", "during": {"end": "2098-06-30T12:00:00+02:00"}},
                             {"description": "Soon", "during": {"start": "2099-02-01"}}])") + "]}";
  auto bundle = fhir::ParseJson(bundle_text);
  BOOST_REQUIRE_MESSAGE(bundle.ok(), bundle.status().message());
  auto read = GroupsFromFhirBundle(*bundle, "region", nullptr);
  BOOST_REQUIRE_MESSAGE(read.ok(), read.status().message());
  BOOST_REQUIRE_MESSAGE(read->groups.size() == 6u, (read->rejected.empty() ? std::string() : read->rejected[0]));
  const std::string today = TodayUtc();
  std::map<std::string, const Group*> by_id;
  for (const Group& g : read->groups) by_id[g.id] = &g;
  BOOST_TEST(!by_id["holidays"]->temporarily_closed);
  BOOST_TEST(by_id["ahead"]->details->closed_from == "2099-01-01");
  BOOST_TEST(!IsClosedOn(*by_id["ahead"], today));  // not hidden now
  BOOST_TEST(IsClosedOn(*by_id["ahead"], "2099-01-01"));
  BOOST_TEST(by_id["partial"]->details->closed_from == "2000-01-01");
  BOOST_TEST(by_id["partial"]->details->closed_until == "2099-01-01");  // December 2098 is closed, all of it
  BOOST_TEST(IsClosedOn(*by_id["partial"], today));
  BOOST_TEST(IsClosedOn(*by_id["open-ended"], today));
  BOOST_TEST(!by_id["over"]->temporarily_closed);
  BOOST_TEST(by_id["several"]->details->closed_until == "2098-07-01");
  BOOST_TEST(by_id["several"]->details->closed_from.empty());

  // A closure without dates is written from a day (here today), so a reader sees it on now.
  Group undated = ClosedMeeting("undated", "");
  fhir::JsonValue hs = ToHealthcareService(undated);
  BOOST_TEST(*hs.FindPath({"notAvailable"})->items()[0].FindPath({"during", "start"})->AsString() == today);
  BOOST_TEST(hs.FindPath({"notAvailable"})->items()[0].FindPath({"during", "end"}) == nullptr);
}

BOOST_AUTO_TEST_CASE(directory_shows_national_services_last_skips_closed_groups_and_covers_contact_point_areas) {
  Group link = LinkCentre();
  link.details.Edit().areas = {"4624", "4627"};
  Group national = LinkCentre();
  national.id = "helpline";
  national.name = "A helpline first by name";
  national.format = Format::kDigital;
  national.address = {};
  national.national = true;
  Group open_again = ClosedMeeting("past", "2000-01-01");
  Group aa = ClosedMeeting("aa", "");
  aa.temporarily_closed = false;
  GroupDirectory d = GroupDirectory::Build(
      {link, national, ClosedMeeting("future", "2099-01-01"), ClosedMeeting("no-date", ""), open_again, aa});
  // temporarily_closed without a date stays closed: "no-date" is never offered.
  GroupMatch bergen = d.Match("4601", Recipient::kPatient, 10);
  std::vector<std::string> ids;
  for (const Group* g : bergen.InOrder()) ids.push_back(g->id);
  BOOST_TEST(ids == (std::vector<std::string>{"link-bergen", "aa", "past", "helpline"}), ids.size());
  BOOST_TEST(bergen.national.size() == 1u);
  // A neighbour the LINK centre covers: it is in that municipality's section, once.
  GroupMatch askoy = d.Match("4627", Recipient::kPatient, 10);
  BOOST_REQUIRE(!askoy.municipality.empty());
  BOOST_TEST(askoy.municipality[0]->id == "link-bergen");
  size_t times = 0;
  for (const Group* g : askoy.InOrder()) times += g->id == "link-bergen";
  BOOST_TEST(times == 1u);
  // Nowhere known: the national services are still offered.
  BOOST_TEST(d.Match("", Recipient::kPatient, 10).national.size() == 1u);
  // The closed groups stay in the directory for reads and exports.
  BOOST_TEST(d.size() == 6u);
  BOOST_TEST(d.List("", Recipient::kPatient, "").size() == 4u);
}

BOOST_AUTO_TEST_CASE(source_defaults_make_listings_national_and_give_a_report_link) {
  config::GroupSourceConfig source;
  source.national = true;
  source.report_to = "mailto:katalog@selvhjelp.example";
  std::vector<Group> groups = {LinkCentre(), ClosedMeeting("m1", "")};
  groups[0].report_to = "https://own.example/report";
  ApplySourceDefaults(source, groups);
  BOOST_TEST(groups[0].national);
  BOOST_TEST(groups[1].national);
  BOOST_TEST(groups[0].report_to == "https://own.example/report");  // the listing's own wins
  BOOST_TEST(groups[1].report_to == "mailto:katalog@selvhjelp.example");
}
