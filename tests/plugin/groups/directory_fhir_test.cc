// The directory as a read-only FHIR server, without the transport: reads (ETag, 304, 404),
// search parsing and matching, the CapabilityStatement, and stale sources (shown or hidden).
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "fhir/json/json_writer.h"
#include "plugin/groups/directory_capability.h"
#include "plugin/groups/directory_query.h"
#include "plugin/groups/directory_read.h"
#include "plugin/groups/healthcare_service.h"
#include "plugin/groups/live_directory.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kNow = 1'800'000'000;  // 2027-01-15T08:00:00Z

Group Make(std::string id, std::string city, std::vector<std::string> themes, std::string source = "src") {
  Group g;
  g.id = std::move(id);
  g.name = g.id;
  g.source = std::move(source);
  g.themes = std::move(themes);
  g.address.city = std::move(city);
  g.address.municipality = "4601";
  return g;
}

struct Directory {
  int64_t now = kNow;
  SourceConfirmations confirmations{3600, [this] { return now; }};
  GroupDirectory directory = GroupDirectory::Build(
      {Make("a", "Bergen", {"alcohol"}), Make("b", "Bergen", {"drugs"}), Make("c", "Tromsø", {"alcohol", "relatives"}, "other")});
  Directory() {
    confirmations.Confirm("src", kNow - 60);
    confirmations.Confirm("other", kNow - 7200);  // more than the hour ago: stale
  }
  std::vector<std::string> Search(std::map<std::string, std::string> query) {
    Result<ServiceSearch> search = ParseServiceSearch(query, false);
    BOOST_REQUIRE(search.ok());
    std::vector<std::string> ids;
    for (const Group* g : RunServiceSearch(directory, &confirmations, *search).groups) ids.push_back(g->id);
    return ids;
  }
};

std::vector<std::string> Expressions(const Status& status) {
  std::vector<std::string> out;
  for (const Issue& issue : status.issues()) out.push_back(issue.expression);
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(read_gives_the_resource_with_its_version_and_confirmation, Directory) {
  Result<ServiceRead> read = ReadHealthcareService(directory, &confirmations, "src-a", "");
  BOOST_REQUIRE(read.ok());
  BOOST_TEST(!read->not_modified);
  BOOST_TEST(*read->resource.FindString("id") == "src-a");
  const std::string version(*read->resource.FindPath({"meta", "versionId"})->AsString());
  BOOST_TEST(version.size() == 16u);
  BOOST_TEST(read->etag == "W/\"" + version + "\"");
  BOOST_TEST(*read->resource.FindPath({"meta", "lastUpdated"})->AsString() == "2027-01-15T07:59:00Z");
  BOOST_TEST(read->last_modified == "Fri, 15 Jan 2027 07:59:00 GMT");
  BOOST_TEST(!read->resource.Find("extension"));  // confirmed a minute ago: current
}

BOOST_FIXTURE_TEST_CASE(if_none_match_with_the_version_is_not_modified, Directory) {
  const std::string etag = ReadHealthcareService(directory, &confirmations, "src-a", "")->etag;
  Result<ServiceRead> again = ReadHealthcareService(directory, &confirmations, "src-a", etag);
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->not_modified);
  BOOST_TEST(again->resource.is_null());
  BOOST_TEST(again->etag == etag);
  // Weak comparison, lists and *.
  const std::string strong = etag.substr(2);
  BOOST_TEST(ReadHealthcareService(directory, &confirmations, "src-a", "\"x\", " + strong)->not_modified);
  BOOST_TEST(ReadHealthcareService(directory, &confirmations, "src-a", "*")->not_modified);
  BOOST_TEST(!ReadHealthcareService(directory, &confirmations, "src-a", "W/\"0000000000000000\"")->not_modified);
  // Confirmed again with the same content: the same version.
  now += 30;
  confirmations.Confirm("src", now);
  BOOST_TEST(ReadHealthcareService(directory, &confirmations, "src-a", etag)->not_modified);
}

BOOST_FIXTURE_TEST_CASE(unknown_id_is_not_found, Directory) {
  Result<ServiceRead> read = ReadHealthcareService(directory, &confirmations, "src-zzz", "");
  BOOST_TEST((read.status().code() == StatusCode::kNotFound));
  BOOST_TEST(read.status().message().find("HealthcareService/src-zzz") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(version_changes_with_the_content_and_provider_carries_the_organisation_number) {
  Group g = Make("a", "Bergen", {"alcohol"});
  const fhir::JsonValue before = ToHealthcareService(g);
  g.organisation = "Selvhjelp Norge";
  g.details.Edit().organisation_number = "912345678";
  const fhir::JsonValue after = ToHealthcareService(g);
  BOOST_TEST(*before.FindPath({"meta", "versionId"})->AsString() != *after.FindPath({"meta", "versionId"})->AsString());
  BOOST_TEST(*after.FindPath({"providedBy", "identifier", "system"})->AsString() == "urn:oid:2.16.578.1.12.4.1.4.101");
  BOOST_TEST(*after.FindPath({"providedBy", "identifier", "value"})->AsString() == "912345678");
  BOOST_TEST(*after.FindPath({"providedBy", "display"})->AsString() == "Selvhjelp Norge");
  BOOST_TEST(!before.FindPath({"providedBy", "identifier"}));
  BOOST_TEST(!before.FindPath({"meta", "lastUpdated"}));  // no confirmation known
}

BOOST_FIXTURE_TEST_CASE(a_stale_source_marks_its_groups, Directory) {
  BOOST_TEST(confirmations.Of("other").stale);
  BOOST_TEST(!confirmations.Of("src").stale);
  BOOST_TEST((confirmations.StaleSources() == std::set<std::string>{"other"}));
  const fhir::JsonValue stale = ReadHealthcareService(directory, &confirmations, "other-c", "")->resource;
  const fhir::JsonValue& extension = stale.Find("extension")->items().at(0);
  BOOST_TEST(*extension.FindString("url") == kListingStaleExtension);
  BOOST_TEST(*extension.FindBool("valueBoolean"));
  BOOST_TEST(!SourceConfirmations(0, [] { return kNow; }).Of("x").stale);  // never confirmed
  SourceConfirmations off(0, [] { return kNow; });
  off.Confirm("x", 1);
  BOOST_TEST(!off.Of("x").stale);  // age 0: staleness off
}

BOOST_FIXTURE_TEST_CASE(search_matches_every_parameter, Directory) {
  BOOST_TEST(Search({}) == (std::vector<std::string>{"a", "b", "c"}));
  BOOST_TEST(Search({{"_id", "src-b,other-c"}}) == (std::vector<std::string>{"b", "c"}));
  BOOST_TEST(Search({{"location.address-city", "berg"}}) == (std::vector<std::string>{"a", "b"}));
  BOOST_TEST(Search({{"location.address-city", "TROMSØ"}}).empty());  // ASCII case only
  BOOST_TEST(Search({{"location.address-city", "tromsø"}}) == (std::vector<std::string>{"c"}));
  BOOST_TEST(Search({{"location.address-city:exact", "berg"}}).empty());
  BOOST_TEST(Search({{"service-type", "relatives"}}) == (std::vector<std::string>{"c"}));
  BOOST_TEST(Search({{"service-type", "https://selvhjelp.example/fhir/CodeSystem/group-theme|drugs"}}) ==
             (std::vector<std::string>{"b"}));
  BOOST_TEST(Search({{"service-type", "http://other.example|drugs"}}).empty());
  BOOST_TEST(Search({{"service-category", "self-help-groups"}}).size() == 3u);
  BOOST_TEST(Search({{"service-category", "https://selvhjelp.example/fhir/CodeSystem/selvhjelp-topic|"}}).size() == 3u);
  BOOST_TEST(Search({{"service-category", "something-else"}}).empty());
  BOOST_TEST(Search({{"_lastUpdated", "ge2027-01-15T07:30:00Z"}}) == (std::vector<std::string>{"a", "b"}));
  BOOST_TEST(Search({{"_lastUpdated", "lt2027-01-15T07:30:00Z"}}) == (std::vector<std::string>{"c"}));
  BOOST_TEST(Search({{"_lastUpdated", "2027-01-15"}}).size() == 3u);
  BOOST_TEST(Search({{"_lastUpdated", "gt2027-01"}}).empty());
  BOOST_TEST(Search({{"_lastUpdated", "le2027"}}).size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(search_pages_and_bounds_count, Directory) {
  Result<ServiceSearch> search = ParseServiceSearch({{"_count", "2"}}, false);
  ServicePage first = RunServiceSearch(directory, &confirmations, *search);
  BOOST_TEST(first.total == 3u);
  BOOST_TEST(first.groups.size() == 2u);
  search->offset = 2;
  ServicePage second = RunServiceSearch(directory, &confirmations, *search);
  BOOST_TEST(second.groups.size() == 1u);
  BOOST_TEST(second.groups[0]->id == "c");
  BOOST_TEST(ParseServiceSearch({{"_count", "1000000"}}, false)->count == kMaxSearchCount);
  BOOST_TEST(ParseServiceSearch({}, false)->count == kDefaultSearchCount);
  BOOST_TEST(RunServiceSearch(directory, &confirmations, *ParseServiceSearch({{"_count", "0"}}, false)).groups.empty());
}

BOOST_AUTO_TEST_CASE(unknown_parameters_are_refused_by_name_or_ignored_when_lenient) {
  Result<ServiceSearch> strict = ParseServiceSearch({{"name", "x"}, {"address-city", "Bergen"}, {"_id", "a"}}, false);
  BOOST_TEST((strict.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(Expressions(strict.status()) == (std::vector<std::string>{"address-city", "name"}));
  BOOST_TEST(strict.status().issues()[0].code == "not-supported");
  Result<ServiceSearch> lenient = ParseServiceSearch({{"name", "x"}, {"_id", "a"}}, true);
  BOOST_REQUIRE(lenient.ok());
  BOOST_TEST(lenient->ignored == std::vector<std::string>{"name"});
  BOOST_TEST(lenient->ids == std::vector<std::string>{"a"});
  BOOST_TEST((lenient->used == std::map<std::string, std::string>{{"_id", "a"}}));
}

BOOST_AUTO_TEST_CASE(bad_values_are_named_each_even_when_lenient) {
  Result<ServiceSearch> bad = ParseServiceSearch(
      {{"_count", "-1"}, {"_lastUpdated", "yesterday"}, {"service-type", "|"}, {"_format", "xml"}, {"_offset", "x"}}, true);
  BOOST_TEST(Expressions(bad.status()) ==
             (std::vector<std::string>{"_count", "_format", "_lastUpdated", "_offset", "service-type"}));
  BOOST_TEST((ParseServiceSearch({{"_lastUpdated", "ap2027-01-01"}}, false).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((ParseServiceSearch({{"_lastUpdated", "2027-13"}}, false).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(ParseServiceSearch({{"_format", "json"}}, false).ok());
}

BOOST_AUTO_TEST_CASE(groups_query_names_every_bad_parameter) {
  const GroupDirectory directory = GroupDirectory::Build({});
  Result<std::vector<const Group*>> bad = QueryDirectory(directory, {{"municipality", "46"}, {"kommune", "4601"}});
  BOOST_TEST(Expressions(bad.status()) == (std::vector<std::string>{"kommune", "municipality"}));
}

BOOST_AUTO_TEST_CASE(capability_statement_lists_read_search_and_every_parameter) {
  const fhir::JsonValue cs = DirectoryCapabilityStatement("https://x.example/directory", "2027-01-15T08:00:00Z");
  BOOST_TEST(*cs.FindString("kind") == "instance");
  BOOST_TEST(*cs.FindString("fhirVersion") == "4.0.1");
  const fhir::JsonValue& resource = cs.Find("rest")->items()[0].Find("resource")->items()[0];
  BOOST_TEST(*resource.FindString("type") == "HealthcareService");
  std::vector<std::string> interactions, parameters;
  for (const auto& i : resource.Find("interaction")->items()) interactions.emplace_back(*i.FindString("code"));
  for (const auto& p : resource.Find("searchParam")->items()) parameters.emplace_back(*p.FindString("name"));
  BOOST_TEST(interactions == (std::vector<std::string>{"read", "search-type"}));
  BOOST_TEST(parameters == (std::vector<std::string>{"_id", "_lastUpdated", "service-category", "service-type", "location"}));
}

namespace {

// A json group file source whose file can be taken away, read by a LiveDirectory on a test clock.
struct FileSource {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-stale-" + std::to_string(::getpid()));
  int64_t now = kNow;
  FileSource() {
    fs::create_directories(dir);
    std::ofstream(dir / "groups.json") << R"({"groups": [{"id": "g1", "name": "Gruppe", "organisation": "AA",
      "themes": ["alcohol"], "audience": "person", "format": "digital"}]})";
  }
  ~FileSource() { fs::remove_all(dir); }
  std::unique_ptr<LiveDirectory> Live(bool hide) {
    config::GroupSourceConfig source;
    source.name = "file";
    source.type = "json";
    source.path = dir / "groups.json";
    return std::make_unique<LiveDirectory>(std::vector<config::GroupSourceConfig>{source}, SourceReaders{}, nullptr,
                                           [this] { return now; }, StalePolicy{600, hide});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_source_that_stops_answering_turns_stale_then_shown_or_hidden, FileSource) {
  auto shown = Live(false);
  auto hidden = Live(true);
  BOOST_REQUIRE(shown->LoadAll().empty());
  BOOST_REQUIRE(hidden->LoadAll().empty());
  BOOST_TEST(shown->Confirmations().Of("file").at == kNow);
  fs::remove(dir / "groups.json");  // the source stops answering
  now += 601;
  BOOST_TEST(!shown->LoadAll().empty());
  BOOST_TEST(!hidden->LoadAll().empty());
  BOOST_TEST(shown->Current()->size() == 1u);  // its last good content, marked stale
  BOOST_TEST(shown->Confirmations().Of("file").stale);
  BOOST_TEST(shown->Confirmations().Of("file").at == kNow);
  BOOST_TEST(hidden->Current()->size() == 0u);
  // Hidden from what chooses and lists groups, but a record or a read naming it still finds it.
  const std::string id = HealthcareServiceId(shown->Current()->groups()[0]);
  const std::shared_ptr<const GroupDirectory> current = hidden->Current();
  BOOST_TEST(current->groups().empty());
  BOOST_TEST(current->Match("4601", Recipient::kPatient, 5).size() == 0u);
  BOOST_TEST(current->List("", Recipient::kPatient, "").empty());
  Result<ServiceSearch> search = ParseServiceSearch({}, false);
  BOOST_REQUIRE(search.ok());
  BOOST_TEST(RunServiceSearch(*current, &hidden->Confirmations(), *search).total == 0u);
  BOOST_REQUIRE(current->Find(id) != nullptr);
  BOOST_TEST(current->Find(id)->id == "g1");
  Result<ServiceRead> read = ReadHealthcareService(*current, &hidden->Confirmations(), id, "");
  BOOST_REQUIRE(read.ok());
  BOOST_TEST(*read->resource.Find("extension")->items().at(0).FindString("url") == kListingStaleExtension);
  // It answers again: confirmed now, shown again.
  std::ofstream(dir / "groups.json") << R"({"groups": [{"id": "g1", "name": "Gruppe", "organisation": "AA",
    "themes": ["alcohol"], "audience": "person", "format": "digital"}]})";
  BOOST_TEST(hidden->LoadAll().empty());
  BOOST_TEST(hidden->Current()->size() == 1u);
  BOOST_TEST(!hidden->Confirmations().Of("file").stale);
}
