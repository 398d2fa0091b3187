// HSDS 3.0 as Open Referral publishes it: stable UUIDs, the spec's example data package, a
// package laid out by its datapackage.json, and the 3.0 API's pages and nesting.
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "plugin/groups/group_file_source.h"
#include "plugin/groups/hsds_package.h"
#include "plugin/groups/hsds_source.h"
#include "plugin/groups/stable_uuid.h"

using namespace selvhjelp::plugin;
using selvhjelp::StatusCode;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = SELVHJELP_SOURCE_DIR;

struct Vocabulary {
  Vocabulary()
      : geography(selvhjelp::mappings::Geography::Load(kSource / "mappings/data/geography.json")),
        taxonomy(selvhjelp::mappings::CategoryMap::Load(kSource / "mappings/data/hsds-taxonomy.json")) {
    BOOST_REQUIRE(geography.ok() && taxonomy.ok());
  }
  HsdsSource Source(const std::string& name) const { return {name, &*taxonomy, &*geography}; }
  selvhjelp::Result<selvhjelp::mappings::Geography> geography;
  selvhjelp::Result<selvhjelp::mappings::CategoryMap> taxonomy;
};

fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string Slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsUuid5(const std::string& id) {
  if (id.size() != 36 || id[14] != '5') return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hsds)

BOOST_AUTO_TEST_CASE(uuid5_matches_rfc_9562) {
  // Python's uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"), an independent implementation.
  BOOST_TEST(Uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  BOOST_TEST(Uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org") !=
             Uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org."));
}

BOOST_AUTO_TEST_CASE(the_export_ids_are_uuids_that_a_re_export_keeps) {
  const Vocabulary v;
  auto demo = LoadGroupFile(kSource / "config/demo/groups.json", "demo");
  BOOST_REQUIRE(demo.ok());
  std::vector<const Group*> all;
  for (const Group& g : *demo) all.push_back(&g);
  const fs::path dir = TempDir("selvhjelp-hsds-ids");
  BOOST_REQUIRE(WriteHsdsPackage(all, &*v.geography, dir / "a").ok());
  BOOST_REQUIRE(WriteHsdsPackage({all.rbegin(), all.rend()}, &*v.geography, dir / "b").ok());  // order does not matter
  auto a = LoadHsdsPackage(dir / "a", v.Source("a"));
  auto b = LoadHsdsPackage(dir / "b", v.Source("b"));
  BOOST_REQUIRE_MESSAGE(a.ok() && b.ok(), a.status().message() + b.status().message());
  BOOST_REQUIRE(a->size() == b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    BOOST_TEST(IsUuid5((*a)[i].id), (*a)[i].id);
    BOOST_TEST((*a)[i].id == (*b)[b->size() - 1 - i].id);
  }
  const std::string addresses = Slurp(dir / "a" / "addresses.csv");
  BOOST_TEST(addresses.find(",Vestland,5") != std::string::npos, addresses);  // state_province: the county
  BOOST_TEST(Slurp(dir / "a" / "taxonomy_terms.csv").find(",Self-help group: alcohol") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(open_referrals_example_package_imports_as_published) {
  // tests/data/hsds3/example: Open Referral's examples/csv, byte for byte (see its README).
  const Vocabulary v;
  auto groups = LoadHsdsPackage(kSource / "tests/data/hsds3/example", v.Source("example"));
  BOOST_REQUIRE_MESSAGE(groups.ok(), groups.status().message());
  BOOST_REQUIRE(groups->size() == 1u);
  const Group& g = (*groups)[0];
  BOOST_TEST(g.id == "ac148810-d857-441c-9679-408f346de14b");
  BOOST_TEST(g.name == "Community Counselling");
  BOOST_TEST(g.organisation == "Example Organization Inc.");
  BOOST_TEST(g.details->website == "http://example.com/counselling");
  BOOST_TEST(g.details->email == "email@example.com");
  BOOST_TEST(g.languages == std::vector<std::string>{"ur"});
  BOOST_TEST(g.details->phone == "\"+44 1234 234567\"");  // the example quotes its number
  BOOST_TEST(g.last_confirmed == "2005-01-01");
  // Its service_at_location row names another service, so nothing places it: it meets online.
  BOOST_TEST((g.format == Format::kDigital));
}

BOOST_AUTO_TEST_CASE(a_package_is_read_where_its_datapackage_json_says) {
  const Vocabulary v;
  auto demo = LoadGroupFile(kSource / "config/demo/groups.json", "demo");
  BOOST_REQUIRE(demo.ok());
  std::vector<const Group*> all;
  for (const Group& g : *demo) all.push_back(&g);
  const fs::path dir = TempDir("selvhjelp-hsds-descriptor");
  BOOST_REQUIRE(WriteHsdsPackage(all, &*v.geography, dir).ok());
  const std::string descriptor = Slurp(dir / "datapackage.json");
  auto with_path = [&](const std::string& services) {
    std::string text = descriptor;
    text.replace(text.find("\"services.csv\""), 14, "\"" + services + "\"");
    std::ofstream(dir / "datapackage.json", std::ios::binary) << text;
  };
  fs::rename(dir / "services.csv", dir / "tjenester.csv");
  with_path("tjenester.csv");
  auto moved = LoadHsdsPackage(dir, v.Source("moved"));
  BOOST_REQUIRE_MESSAGE(moved.ok(), moved.status().message());
  BOOST_TEST(moved->size() == demo->size());

  with_path("../outside.csv");
  auto outside = LoadHsdsPackage(dir, v.Source("outside"));
  BOOST_TEST((outside.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(outside.status().message().find((dir / "datapackage.json").string() + ":") != std::string::npos,
             outside.status().message());
  BOOST_TEST(outside.status().message().find("resources[1].path: expected a file name inside the package") !=
                 std::string::npos, outside.status().message());

  // A join column missing: named with its file and line.
  with_path("tjenester.csv");
  std::string services = Slurp(dir / "tjenester.csv");
  services.replace(services.find("organization_id"), 15, "org");
  std::ofstream(dir / "tjenester.csv", std::ios::binary) << services;
  auto bad = LoadHsdsPackage(dir, v.Source("bad"));
  BOOST_TEST(bad.status().message().find("tjenester.csv:1: organization_id: required column missing") != std::string::npos,
             bad.status().message());
  fs::remove_all(dir);
}

namespace {

// An HSDS 3.0 API of two pages in the spec's Page shape; the second service nests its schedule,
// phone and language in its service_at_location, as the 3.0 compiled service may.
HttpSend ThreeZeroApi(std::vector<std::string>* urls, bool ignores_page = false) {
  return [urls, ignores_page](const HttpRequestSpec& request) -> selvhjelp::Result<HttpResponse> {
    urls->push_back(request.url);
    const bool second = !ignores_page && request.url.find("page=2") != std::string::npos;
    HttpResponse response;
    response.status = 200;
    if (!second) {
      response.body = R"({"total_items": 2, "total_pages": 2, "page_number": 1, "size": 1, "first_page": true,
        "last_page": false, "empty": false, "contents": [{"id": "a1", "name": "Nettgruppe A", "status": "active",
        "organization": {"id": "o1", "name": "Selvhjelp Norge"}, "languages": [{"code": "nb"}],
        "schedules": [{"freq": "WEEKLY", "byday": "MO", "opens_at": "18:00:00", "closes_at": "19:30:00"}],
        "service_at_locations": [{"id": "sal1", "location": {"id": "l1", "location_type": "virtual"}}]}]})";
    } else {
      response.body = R"({"total_items": 2, "total_pages": 2, "page_number": 2, "size": 1, "first_page": false,
        "last_page": true, "empty": false, "contents": [{"id": "b2", "name": "Nettgruppe B", "status": "active",
        "organization": {"id": "o1", "name": "Selvhjelp Norge"}, "schedules": [],
        "service_at_locations": [{"id": "sal2",
          "schedules": [{"freq": "MONTHLY", "byday": "2TU", "opens_at": "19:00:00", "closes_at": "20:30:00"}],
          "phones": [{"id": "p2", "number": "+47 22 00 00 00"}], "languages": [{"code": "en"}],
          "location": {"id": "l2", "location_type": "virtual"}}]}]})";
    }
    return response;
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_api_source_reads_the_3_0_pages_and_nesting) {
  std::vector<std::string> urls;
  auto groups = FetchHsdsApi(ThreeZeroApi(&urls), "https://hsds.example/api/", {"api", nullptr, nullptr}, {}, 0);
  BOOST_REQUIRE_MESSAGE(groups.ok(), groups.status().message());
  BOOST_TEST(urls.size() == 2u);  // last_page ends it
  BOOST_REQUIRE(groups->size() == 2u);
  BOOST_TEST((*groups)[0].meetings[0].rrule == "FREQ=WEEKLY;BYDAY=MO");
  BOOST_TEST((*groups)[0].meetings[0].duration == "PT90M");
  const Group& b = (*groups)[1];
  BOOST_REQUIRE(b.meetings.size() == 1u);
  BOOST_TEST(b.meetings[0].rrule == "FREQ=MONTHLY;BYDAY=2TU");
  BOOST_TEST(b.details->phone == "+47 22 00 00 00");
  BOOST_TEST(b.languages == std::vector<std::string>{"en"});
  BOOST_TEST((b.format == Format::kDigital));

  // A server that ignores `page` would be read for ever: its page_number gives it away.
  urls.clear();
  auto stuck = FetchHsdsApi(ThreeZeroApi(&urls, true), "https://hsds.example/api", {"api", nullptr, nullptr}, {}, 0);
  BOOST_TEST((stuck.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(stuck.status().message().find("page_number: expected 2, got 1") != std::string::npos, stuck.status().message());
}

BOOST_AUTO_TEST_SUITE_END()
