// Group directory benchmark: import N synthetic groups (JSON and CSV), build the place index,
// then time place queries with and without the patient's position (nine in ten groups have
// coordinates, as HSDS and Meeting Guide sources give them). Prints import seconds, query p50/p99
// of each kind, their ratio, and peak memory. The directory knows the health regions (as the
// service does), so a query also fills the rest-of-region section.
// Usage: directory_bench generate DIR N   writes DIR/groups.json and DIR/groups.csv
//        directory_bench measure DIR GEOGRAPHY   imports, indexes and queries them (peak memory is
//                                         this process's alone, without the generating)
//        directory_bench growth GEOGRAPHY N...   the query times for each size, as one table
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <vector>

#include "plugin/groups/group_csv_source.h"
#include "plugin/groups/group_directory.h"
#include "plugin/groups/group_file_source.h"
#include "plugin/groups/healthcare_service.h"
#include "mappings/geography.h"

using namespace selvhjelp::plugin;
using Clock = std::chrono::steady_clock;

namespace {

const char* kMunicipalities[] = {"0301", "1103", "1108", "1804", "3107", "3201", "3301", "3403",
                                 "3905", "4003", "4204", "4601", "5001", "5501"};
// Approximate centres of those municipalities (latitude, longitude).
const Position kCentres[] = {{59.91, 10.75}, {58.97, 5.73}, {58.85, 5.74}, {67.28, 14.40}, {59.22, 10.93},
                             {59.74, 10.20}, {59.74, 10.20}, {60.79, 11.07}, {59.27, 10.41}, {59.21, 9.61},
                             {58.15, 8.00}, {60.39, 5.32}, {63.43, 10.40}, {69.65, 18.96}};

std::vector<Group> Synthetic(int n) {
  std::mt19937 random(7);
  std::vector<Group> groups;
  groups.reserve(static_cast<size_t>(n));
  const char* days[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
  for (int i = 0; i < n; ++i) {
    Group g;
    g.id = "g" + std::to_string(i);
    g.name = "Gruppe " + std::to_string(i) + " (syntetisk)";
    g.organisation = i % 3 == 0 ? "AA" : "Selvhjelp Norge";
    g.themes = {i % 2 ? "alcohol" : "drugs"};
    g.audience = i % 5 == 0 ? Audience::kRelatives : Audience::kPerson;
    g.twelve_step = i % 3 == 0;
    g.format = i % 40 == 0 ? Format::kDigital : Format::kInPerson;
    g.languages = {"nb"};
    g.meetings = {{std::string("FREQ=WEEKLY;BYDAY=") + days[i % 7], "19:00", "PT90M"}};
    if (g.format != Format::kDigital) {
      const size_t place = random() % std::size(kMunicipalities);
      g.address.municipality = kMunicipalities[place];
      g.address.city = "By";
      g.address.line = "Gate " + std::to_string(i);
      if (i % 10 != 0) {  // within about 10 km of the centre
        g.address.latitude = kCentres[place].latitude + (static_cast<double>(random() % 2000) - 1000) / 10000;
        g.address.longitude = kCentres[place].longitude + (static_cast<double>(random() % 2000) - 1000) / 5000;
      }
    }
    g.synthetic = true;
    groups.push_back(std::move(g));
  }
  return groups;
}

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

struct QueryTimes {
  double p50 = 0, p99 = 0;  // microseconds
  size_t groups_shown = 0;  // a query, on average
};

// 100,000 place queries round the municipalities, one in four for relatives, without or with the
// patient's position (near the municipality's centre).
QueryTimes TimeQueries(const GroupDirectory& directory, bool with_position) {
  const int queries = 100000;
  size_t shown = 0;
  std::vector<double> micros;
  micros.reserve(queries);
  for (int i = 0; i < queries; ++i) {
    const size_t place = static_cast<size_t>(i) % std::size(kMunicipalities);
    std::optional<Position> near;
    if (with_position) near = Position{kCentres[place].latitude + 0.01, kCentres[place].longitude + 0.01};
    auto t0 = Clock::now();
    GroupMatch match = directory.Match(kMunicipalities[place], i % 4 ? Recipient::kPatient : Recipient::kRelatives, 3,
                                       {}, near);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    shown += match.size();
  }
  std::sort(micros.begin(), micros.end());
  return {micros[queries / 2], micros[queries * 99 / 100], shown / queries};
}

std::optional<selvhjelp::mappings::Geography> LoadGeography(const std::filesystem::path& file) {
  auto geography = selvhjelp::mappings::Geography::Load(file);
  if (!geography.ok()) {
    std::cerr << geography.status().message().substr(0, 500) << "\n";
    return std::nullopt;
  }
  return std::move(geography).value();
}

}  // namespace

int Generate(const std::filesystem::path& dir, int n) {
  std::filesystem::create_directories(dir);
  {
    std::vector<Group> groups = Synthetic(n);
    std::ofstream(dir / "groups.json") << GroupsToJson(groups);
    std::ofstream csv(dir / "groups.csv");
    csv << "id,name,organisation,themes,audience,twelve_step,format,rrule,start_time,municipality,city,synthetic\n";
    for (const Group& g : groups) {
      csv << g.id << "," << g.name << "," << g.organisation << "," << g.themes[0] << ","
          << (g.audience == Audience::kPerson ? "person" : "relatives") << "," << (g.twelve_step ? "yes" : "no") << ","
          << (g.format == Format::kDigital ? "digital" : "in-person") << "," << g.meetings[0].rrule << ",19:00,"
          << g.address.municipality << "," << g.address.city << ",yes\n";
    }
  }
  return 0;
}

int Measure(const std::filesystem::path& dir, const std::filesystem::path& geography_file) {
  const auto geography = LoadGeography(geography_file);
  if (!geography) return 1;
  auto start = Clock::now();
  double csv_s = 0;
  {
    auto from_csv = LoadGroupCsv(dir / "groups.csv", "bench");
    csv_s = Seconds(start);
    if (!from_csv.ok()) {
      std::cerr << from_csv.status().message().substr(0, 500) << "\n";
      return 1;
    }
  }
  start = Clock::now();
  auto from_json = LoadGroupFile(dir / "groups.json", "bench");
  const double json_s = Seconds(start);
  if (!from_json.ok()) {
    std::cerr << from_json.status().message().substr(0, 500) << "\n";
    return 1;
  }
  start = Clock::now();
  GroupDirectory directory = GroupDirectory::Build(std::move(from_json).value(), &*geography);
  const double build_s = Seconds(start);

  const QueryTimes plain = TimeQueries(directory, false), near = TimeQueries(directory, true);
  // A record naming every group of the directory (POST /records resolves its ids this way; the
  // scan this replaced took 78 s of CPU for 20,000 ids against 20,000 groups).
  std::vector<std::string> ids;
  for (const Group& g : directory.groups()) ids.push_back(HealthcareServiceId(g));
  start = Clock::now();
  size_t resolved = 0;
  for (const std::string& id : ids) resolved += directory.Find(id) != nullptr;
  const double lookup_s = Seconds(start);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::cout << directory.size() << " groups: import JSON " << json_s << " s, CSV " << csv_s << " s, index " << build_s << " s\n"
            << "100000 place queries: p50 " << plain.p50 << " us, p99 " << plain.p99 << " us (" << plain.groups_shown
            << " groups a query)\n"
            << "100000 with the patient's position: p50 " << near.p50 << " us, p99 " << near.p99
            << " us (p50 ratio " << near.p50 / plain.p50 << ")\n"
            << resolved << " HealthcareService ids resolved by id: " << lookup_s * 1000 << " ms\n"
            << "peak memory (RSS) " << usage.ru_maxrss / 1024 << " MB\n";
  return 0;
}

// The growth table: query times at each size, without and with the patient's position.
int Growth(const std::filesystem::path& geography_file, const std::vector<int>& sizes) {
  const auto geography = LoadGeography(geography_file);
  if (!geography) return 1;
  std::cout << "groups\tindex s\tp50 us\tp99 us\twith position: p50 us\tp99 us\tp50 ratio\n";
  for (int n : sizes) {
    std::vector<Group> groups = Synthetic(n);
    const auto start = Clock::now();
    const GroupDirectory directory = GroupDirectory::Build(std::move(groups), &*geography);
    const double build_s = Seconds(start);
    const QueryTimes plain = TimeQueries(directory, false), near = TimeQueries(directory, true);
    std::printf("%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\n", n, build_s, plain.p50, plain.p99, near.p50, near.p99,
                near.p50 / plain.p50);
  }
  return 0;
}

int main(int argc, char** argv) {
  const std::string mode = argc > 2 ? argv[1] : "";
  if (mode == "generate" && argc == 4) return Generate(argv[2], std::atoi(argv[3]));
  if (mode == "measure" && argc == 4) return Measure(argv[2], argv[3]);
  if (mode == "growth" && argc > 3) {
    std::vector<int> sizes;
    for (int i = 3; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
    return Growth(argv[2], sizes);
  }
  std::cerr << "usage: directory_bench generate DIR N | measure DIR GEOGRAPHY | growth GEOGRAPHY N...\n";
  return 2;
}
