#include "plugin/groups/group_directory.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>

#include "plugin/groups/group_file_source.h"
#include "plugin/groups/healthcare_service.h"

using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {
Group Make(std::string id, std::string municipality, bool twelve_step, Audience audience = Audience::kPerson,
           Format format = Format::kInPerson) {
  Group g;
  g.id = id;
  g.name = id;
  g.twelve_step = twelve_step;
  g.audience = audience;
  g.format = format;
  g.address.municipality = municipality;
  return g;
}
std::vector<std::string> Ids(const std::vector<const Group*>& groups) {
  std::vector<std::string> ids;
  for (const Group* g : groups) ids.push_back(g->id);
  return ids;
}
}  // namespace

BOOST_AUTO_TEST_CASE(local_first_then_county_then_digital) {
  auto d = GroupDirectory::Build({Make("a-bergen", "4601", true), Make("b-voss", "4621", false),
                                  Make("c-oslo", "0301", false), Make("d-online", "", false, Audience::kPerson, Format::kDigital),
                                  Make("e-relatives", "4601", false, Audience::kRelatives)});
  GroupMatch m = d.Match("4601", Recipient::kPatient, 3);
  BOOST_TEST(Ids(m.municipality) == std::vector<std::string>{"a-bergen"});
  BOOST_TEST(Ids(m.county) == std::vector<std::string>{"b-voss"});
  BOOST_TEST(Ids(m.digital) == std::vector<std::string>{"d-online"});
  BOOST_TEST(m.alternatives.empty());  // non-12-step groups are already shown
  GroupMatch r = d.Match("4601", Recipient::kRelatives, 3);
  BOOST_TEST(Ids(r.municipality) == std::vector<std::string>{"e-relatives"});
  GroupMatch unknown = d.Match("", Recipient::kPatient, 3);
  BOOST_TEST(unknown.municipality.empty());
  BOOST_TEST(Ids(unknown.digital) == std::vector<std::string>{"d-online"});
}

BOOST_AUTO_TEST_CASE(alternatives_to_twelve_step_when_the_cap_hides_them) {
  auto d = GroupDirectory::Build({Make("a1", "0301", true), Make("a2", "0301", true), Make("z-selvhjelp", "0301", false)});
  GroupMatch m = d.Match("0301", Recipient::kPatient, 2);
  BOOST_TEST(Ids(m.municipality) == (std::vector<std::string>{"a1", "a2"}));
  BOOST_TEST(Ids(m.alternatives) == std::vector<std::string>{"z-selvhjelp"});
}

BOOST_AUTO_TEST_CASE(group_file_errors_name_line_and_field) {
  fs::path file = fs::temp_directory_path() / "selvhjelp-groups-bad.json";
  std::ofstream(file) << "{\"groups\": [\n"
                         " {\"id\": \"x\", \"name\": \"X\", \"organisation\": \"AA\", \"themes\": [\"alcohol\"],\n"
                         "  \"audience\": \"person\", \"format\": \"in-person\",\n"
                         "  \"address\": {\"municipality\": \"46O1\", \"city\": \"Bergen\"}}\n"
                         "]}\n";
  auto groups = LoadGroupFile(file, "region");
  BOOST_REQUIRE(!groups.ok());
  BOOST_TEST(groups.status().message() ==
             file.string() + ":4: groups[0].address.municipality: expected a 4-digit municipality number");
  fs::remove(file);
  auto demo = LoadGroupFile(fs::path(SELVHJELP_SOURCE_DIR) / "config/demo/groups.json", "demo");
  BOOST_REQUIRE_MESSAGE(demo.ok(), demo.status().message());
  for (const Group& g : *demo) BOOST_TEST(g.synthetic);
}

BOOST_AUTO_TEST_CASE(theme_filter_keeps_only_groups_with_that_theme) {
  Group alcohol = Make("a-alcohol", "4601", false);
  alcohol.themes = {"alcohol"};
  Group gambling = Make("b-gambling", "4601", false);
  gambling.themes = {"gambling", "mental-health"};
  auto d = GroupDirectory::Build({alcohol, gambling});
  BOOST_TEST(Ids(d.Match("4601", Recipient::kPatient, 3, "gambling").municipality) ==
             std::vector<std::string>{"b-gambling"});
  BOOST_TEST(d.Match("4601", Recipient::kPatient, 3).municipality.size() == 2u);
}

BOOST_AUTO_TEST_CASE(nearest_first_when_the_patients_position_is_known) {
  auto at = [](std::string id, std::string municipality, double lat, double lon) {
    Group g = Make(std::move(id), std::move(municipality), false);
    g.address.latitude = lat;
    g.address.longitude = lon;
    return g;
  };
  // Bergen sentrum 60.39,5.32; Åsane 60.47,5.32; Fana 60.26,5.34; one without coordinates.
  auto d = GroupDirectory::Build({at("a-asane", "4601", 60.47, 5.32), at("b-fana", "4601", 60.26, 5.34),
                                  Make("c-unknown", "4601", false), at("d-sentrum", "4601", 60.39, 5.32)});
  Position fana{60.27, 5.33};
  BOOST_TEST(Ids(d.Match("4601", Recipient::kPatient, 4, {}, fana).municipality) ==
             (std::vector<std::string>{"b-fana", "d-sentrum", "a-asane", "c-unknown"}));
  BOOST_TEST(Ids(d.Match("4601", Recipient::kPatient, 4).municipality) ==  // no position: name order
             (std::vector<std::string>{"a-asane", "b-fana", "c-unknown", "d-sentrum"}));
  BOOST_TEST(DistanceKm({60.39, 5.32}, {59.91, 10.75}) > 300);  // Bergen-Oslo is about 305 km
  BOOST_TEST(DistanceKm({60.39, 5.32}, {59.91, 10.75}) < 310);
}

BOOST_AUTO_TEST_CASE(the_rest_of_the_health_region_comes_after_the_county) {
  auto geography = selvhjelp::mappings::Geography::Load(fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data/geography.json");
  BOOST_REQUIRE(geography.ok());
  // Bergen (Vestland, 46) and Stavanger (Rogaland, 11) are both Helse Vest; Oslo is not.
  auto d = GroupDirectory::Build({Make("a-bergen", "4601", false), Make("b-stavanger", "1103", false),
                                  Make("c-oslo", "0301", false)}, &*geography);
  GroupMatch m = d.Match("4601", Recipient::kPatient, 3);
  BOOST_TEST(Ids(m.municipality) == std::vector<std::string>{"a-bergen"});
  BOOST_TEST(Ids(m.region) == std::vector<std::string>{"b-stavanger"});
  GroupMatch voss = d.Match("4621", Recipient::kPatient, 3);  // a Vestland municipality without groups
  BOOST_TEST(Ids(voss.county) == std::vector<std::string>{"a-bergen"});
  BOOST_TEST(Ids(voss.region) == std::vector<std::string>{"b-stavanger"});
  BOOST_TEST(GroupDirectory::Build({Make("b-stavanger", "1103", false)}).Match("4601", Recipient::kPatient, 3).region.empty());
}

// The partial selection picks exactly what sorting the whole section nearest first would: for
// random directories (ties, groups without coordinates, themes, 12-step and not), the municipality
// and county sections and the alternatives equal a brute-force full stable sort.
BOOST_AUTO_TEST_CASE(nearest_groups_equal_a_full_sort_of_the_section) {
  uint64_t seed = 42;
  auto next = [&seed](uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
  };
  for (int round = 0; round < 40; ++round) {
    std::vector<Group> groups;
    const char* municipalities[] = {"4601", "4602", "4611", "4612"};  // one county
    for (int i = 0; i < 300; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "g%04d", i);
      Group g = Make(id, municipalities[next(4)], next(3) != 0);
      if (next(5) != 0) {  // most have coordinates, on a coarse grid so that distances tie
        g.address.latitude = 60.0 + static_cast<double>(next(20)) / 10;
        g.address.longitude = 5.0 + static_cast<double>(next(20)) / 10;
      }
      g.themes = {next(2) ? "alcohol" : "drugs"};
      groups.push_back(std::move(g));
    }
    auto d = GroupDirectory::Build(groups);
    const Position near{60.0 + static_cast<double>(next(20)) / 10, 5.0 + static_cast<double>(next(20)) / 10};
    const std::string theme = next(2) ? "alcohol" : "";
    const int cap = 1 + static_cast<int>(next(6));
    GroupMatch got = d.Match("4601", Recipient::kPatient, cap, theme, near);
    // Brute force: the section's groups in directory order, stable-sorted by distance.
    auto sorted = [&](bool in_municipality) {
      std::vector<const Group*> section;
      for (const Group& g : d.groups()) {
        const bool here = g.address.municipality == "4601";
        if (here != in_municipality) continue;
        if (!theme.empty() && g.themes[0] != theme) continue;
        section.push_back(&g);
      }
      auto km = [&](const Group* g) {
        return g->address.latitude ? DistanceKm(near, {*g->address.latitude, *g->address.longitude})
                                   : std::numeric_limits<double>::infinity();
      };
      // Before the distance sort the county's groups stand municipality by municipality, in number order.
      std::stable_sort(section.begin(), section.end(),
                       [](const Group* a, const Group* b) { return a->address.municipality < b->address.municipality; });
      std::stable_sort(section.begin(), section.end(), [&](const Group* a, const Group* b) { return km(a) < km(b); });
      return section;
    };
    std::vector<const Group*> here = sorted(true), county = sorted(false), alternatives;
    std::vector<const Group*> want_here(here.begin(), here.begin() + std::min<size_t>(cap, here.size()));
    std::vector<const Group*> want_county(county.begin(), county.begin() + std::min<size_t>(cap, county.size()));
    BOOST_TEST(Ids(got.municipality) == Ids(want_here), "round " << round);
    BOOST_TEST(Ids(got.county) == Ids(want_county), "round " << round);
    for (auto* rest : {&here, &county}) {
      for (size_t i = static_cast<size_t>(cap); i < rest->size() && alternatives.size() < static_cast<size_t>(cap); ++i) {
        if (!(*rest)[i]->twelve_step) alternatives.push_back((*rest)[i]);
      }
    }
    const bool all_twelve_step = std::all_of(want_here.begin(), want_here.end(), [](const Group* g) { return g->twelve_step; }) &&
                                 std::all_of(want_county.begin(), want_county.end(), [](const Group* g) { return g->twelve_step; });
    if (all_twelve_step) BOOST_TEST(Ids(got.alternatives) == Ids(alternatives), "round " << round);
  }
}

// The k-d trees give exactly what sorting each whole section would, at sizes where a tree has many
// levels: the municipality, the rest of the county and the rest of the health region (a forest of
// several counties' trees), for both recipients, with ties on a grid and groups without coordinates.
BOOST_AUTO_TEST_CASE(nearest_groups_equal_a_full_sort_at_larger_sizes) {
  auto geography = selvhjelp::mappings::Geography::Load(fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data/geography.json");
  BOOST_REQUIRE(geography.ok());
  uint64_t seed = 7;
  auto next = [&seed](uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
  };
  // Helse Sør-Øst: Akershus (32), Oslo (03), Buskerud (33), Vestfold (39); and Bergen, elsewhere.
  const char* municipalities[] = {"3201", "3203", "0301", "3301", "3901", "3905", "4601"};
  for (const int size : {2000, 20000}) {
    for (int round = 0; round < (size > 5000 ? 3 : 8); ++round) {
      std::vector<Group> groups;
      for (int i = 0; i < size; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "g%05d", i);
        Group g = Make(id, municipalities[next(std::size(municipalities))], next(3) != 0,
                       next(4) == 0 ? Audience::kRelatives : Audience::kPerson);
        if (const uint64_t kind = next(10); kind < 4) {  // on a grid: many equal distances
          g.address.latitude = 59.0 + static_cast<double>(next(30)) / 20;
          g.address.longitude = 9.5 + static_cast<double>(next(30)) / 20;
        } else if (kind < 9) {
          g.address.latitude = 59.0 + static_cast<double>(next(1000000)) / 666666;
          g.address.longitude = 9.5 + static_cast<double>(next(1000000)) / 666666;
        }
        g.themes = {next(2) ? "alcohol" : "drugs"};
        groups.push_back(std::move(g));
      }
      auto d = GroupDirectory::Build(groups, &*geography);
      const Position near{59.0 + static_cast<double>(next(30)) / 20, 9.5 + static_cast<double>(next(30)) / 20};
      const std::string theme = next(2) ? "alcohol" : "";
      const int cap = 1 + static_cast<int>(next(6));
      const Recipient recipient = next(2) ? Recipient::kPatient : Recipient::kRelatives;
      GroupMatch got = d.Match("3201", recipient, cap, theme, near);
      // Brute force: each section's groups municipality by municipality, stable-sorted by distance.
      auto sorted = [&](auto&& in_section) {
        std::vector<const Group*> section;
        for (const Group& g : d.groups()) {
          const bool serves = recipient == Recipient::kPatient ? ServesPerson(g) : ServesRelatives(g);
          if (serves && in_section(g.address.municipality) && (theme.empty() || g.themes[0] == theme)) section.push_back(&g);
        }
        auto km = [&](const Group* g) {
          return g->address.latitude ? DistanceKm(near, {*g->address.latitude, *g->address.longitude})
                                     : std::numeric_limits<double>::infinity();
        };
        std::stable_sort(section.begin(), section.end(),
                         [](const Group* a, const Group* b) { return a->address.municipality < b->address.municipality; });
        std::stable_sort(section.begin(), section.end(), [&](const Group* a, const Group* b) { return km(a) < km(b); });
        return section;
      };
      const std::vector<const Group*> sections[] = {
          sorted([](const std::string& m) { return m == "3201"; }),
          sorted([](const std::string& m) { return m != "3201" && m.substr(0, 2) == "32"; }),
          sorted([](const std::string& m) { return m.substr(0, 2) != "32" && m != "4601"; })};
      const std::vector<const Group*>* got_sections[] = {&got.municipality, &got.county, &got.region};
      std::vector<const Group*> alternatives;
      bool all_twelve_step = true;
      for (int s = 0; s < 3; ++s) {
        const std::vector<const Group*>& all = sections[s];
        std::vector<const Group*> want(all.begin(), all.begin() + std::min<size_t>(cap, all.size()));
        BOOST_TEST(Ids(*got_sections[s]) == Ids(want), "size " << size << " round " << round << " section " << s);
        for (const Group* g : want) all_twelve_step = all_twelve_step && g->twelve_step;
        for (size_t i = static_cast<size_t>(cap); i < all.size() && alternatives.size() < static_cast<size_t>(cap); ++i) {
          if (!all[i]->twelve_step) alternatives.push_back(all[i]);
        }
      }
      if (all_twelve_step) BOOST_TEST(Ids(got.alternatives) == Ids(alternatives), "size " << size << " round " << round);
    }
  }
}

BOOST_AUTO_TEST_CASE(groups_are_found_by_their_healthcare_service_id) {
  std::vector<Group> groups;
  for (int i = 0; i < 20000; ++i) {
    groups.push_back(Make("g" + std::to_string(i), "4601", false));
    groups.back().source = "region";
  }
  for (const char* id : {"g_7", "g 7"}) {  // both "region-g-7" once made a FHIR id
    groups.push_back(Make(id, "4601", false));
    groups.back().source = "region";
  }
  groups.back().name = "a twin, first in name order";
  auto d = GroupDirectory::Build(std::move(groups));
  for (const Group& g : d.groups()) {
    if (g.id == "g_7") continue;
    BOOST_TEST(d.Find(HealthcareServiceId(g)) == &g, g.id);
  }
  BOOST_TEST(d.Find("region-g-7")->name == "a twin, first in name order");
  BOOST_TEST(d.Find("region-g19999")->id == "g19999");
  BOOST_TEST(d.Find("g1") == nullptr);  // a source's own id is not the HealthcareService id
  BOOST_TEST(d.Find("") == nullptr);
}
