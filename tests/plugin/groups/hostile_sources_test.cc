// Issue 11 item 2: what third-party sources send cannot hurt the directory. A malformed element
// rejects that element (named by source, record and field), never the directory; links other
// than http(s), mailto and tel are not republished; coordinates out of range and durations that
// overflow are refused at import; the writers never throw on what a source let through.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"
#include "plugin/groups/fhir_directory_source.h"
#include "plugin/groups/group_file_source.h"
#include "plugin/groups/healthcare_service.h"
#include "plugin/groups/hsds_source.h"
#include "plugin/groups/meeting_guide_source.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";

Result<SourceContent> ReadFhir(const std::string& services) {
  auto bundle = fhir::ParseJson(R"json({"resourceType": "Bundle", "type": "searchset", "entry": [)json" + services + "]}");
  BOOST_REQUIRE(bundle.ok());
  return GroupsFromFhirBundle(*bundle, "regional", nullptr);
}

bool Mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const std::string& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_sources)

BOOST_AUTO_TEST_CASE(a_malformed_fhir_time_rejects_that_service_only) {
  auto read = ReadFhir(R"json(
    {"resource": {"resourceType": "HealthcareService", "id": "bad", "name": "Bad",
      "availableTime": [{"daysOfWeek": ["tue"], "availableStartTime": "ab:cd:00"}]}},
    {"resource": {"resourceType": "HealthcareService", "id": "good", "name": "Good",
      "availableTime": [{"daysOfWeek": ["tue"], "availableStartTime": "19:00:00", "availableEndTime": "20:30:00"}]}})json");
  BOOST_REQUIRE(read.ok());
  BOOST_REQUIRE(read->groups.size() == 1u);
  BOOST_TEST(read->groups[0].id == "good");
  BOOST_TEST(read->groups[0].meetings[0].duration == "PT90M");
  BOOST_REQUIRE(read->rejected.size() == 1u);
  BOOST_TEST(read->rejected[0].find("regional:") == 0u, read->rejected[0]);
  BOOST_TEST(read->rejected[0].find("HealthcareService/bad.availableTime[0].availableStartTime: expected a FHIR time") !=
                 std::string::npos, read->rejected[0]);
  // What was kept writes as FHIR without throwing.
  std::vector<const Group*> all{&read->groups[0]};
  BOOST_TEST(fhir::ParseJson(fhir::WriteJson(HealthcareServiceBundle(all, "collection", "https://x.example"))).ok());
}

BOOST_AUTO_TEST_CASE(the_fhir_writer_never_throws_on_a_bad_time) {
  Group g;
  g.id = "x";
  g.format = Format::kDigital;
  g.meetings.push_back({"FREQ=WEEKLY;BYDAY=TU", "ab:cd", "PT99999999999M"});
  fhir::JsonValue hs = ToHealthcareService(g);  // threw std::invalid_argument (std::stoi) before
  const fhir::JsonValue* slots = hs.Find("availableTime");
  BOOST_REQUIRE(slots != nullptr);
  BOOST_TEST(slots->items()[0].Find("availableStartTime") == nullptr);
}

BOOST_AUTO_TEST_CASE(unsafe_links_are_left_out_and_reported) {
  auto read = ReadFhir(R"json(
    {"resource": {"resourceType": "HealthcareService", "id": "s1", "name": "S",
      "telecom": [{"system": "url", "value": "javascript:alert(1)"}, {"system": "phone", "value": "+47 1"}]}})json");
  BOOST_REQUIRE(read.ok());
  BOOST_REQUIRE(read->groups.size() == 1u);
  BOOST_TEST(read->groups[0].details->website.empty());
  BOOST_TEST(read->groups[0].details->phone == "+47 1");
  BOOST_TEST(Mentions(read->rejected, "HealthcareService/s1.telecom[0].value: expected an http(s), mailto or tel URL"));

  auto geography = mappings::Geography::Load(kData / "geography.json");
  auto taxonomy = mappings::CategoryMap::Load(kData / "hsds-taxonomy.json");
  BOOST_REQUIRE(geography.ok() && taxonomy.ok());
  auto hsds = ParseHsds(R"json([{"id": "h1", "name": "H", "organization": {"name": "O"}, "url": "JavaScript:alert(1)"}])json",
                        "hsds.json", {"hsds", &*taxonomy, &*geography});
  BOOST_TEST(hsds.status().message().find("hsds.json:1: [0].url: expected an http(s), mailto or tel URL") != std::string::npos,
             hsds.status().message());
  auto file = ParseGroupDocument(R"json({"groups": [{"id": "g", "name": "G", "organisation": "O", "themes": ["alcohol"],
    "audience": "person", "format": "digital", "website": "data:text/html,<script>x</script>"}]})json", "g.json", "g");
  BOOST_TEST(file.status().message().find("groups[0].website: expected an http(s), mailto or tel URL") != std::string::npos,
             file.status().message());
  for (const char* ok : {"https://x.example/a", "HTTP://x.example", "mailto:a@b.example", "tel:+4712345678"}) {
    BOOST_TEST(IsSafeLink(ok), ok);
  }
  for (const char* bad : {"javascript:alert(1)", "vbscript:x", "data:,x", "https:x", "https://a b", "//x.example", "x"}) {
    BOOST_TEST(!IsSafeLink(bad), bad);
  }
  // A report link: http(s) and mailto only, the rule of the card, the app and the config.
  for (const char* ok : {"https://x.example/a", "HTTP://x.example", "mailto:a@b.example", "MailTo:a@b.example"}) {
    BOOST_TEST(IsReportLink(ok), ok);
  }
  for (const char* bad : {"tel:+4712345678", "TEL:+47", "javascript:alert(1)", "https://a b", "x"}) {
    BOOST_TEST(!IsReportLink(bad), bad);
  }
}

BOOST_AUTO_TEST_CASE(coordinates_out_of_range_are_refused_at_import) {
  auto geography = mappings::Geography::Load(kData / "geography.json");
  auto types = mappings::CategoryMap::Load(kData / "meeting-guide-types.json");
  BOOST_REQUIRE(geography.ok() && types.ok());
  auto meetings = ParseMeetingGuide(R"json([{"name": "M", "slug": "m", "day": 2, "time": "19:00", "city": "Bergen",
    "latitude": 600.5, "longitude": -999}])json", "feed.json", {"mg", "AA", {"alcohol"}, &*types, &*geography});
  BOOST_TEST(meetings.status().message().find("feed.json:2: [0].latitude: expected degrees of latitude") != std::string::npos,
             meetings.status().message());
  BOOST_TEST(meetings.status().message().find("[0].longitude: expected degrees of longitude") != std::string::npos);
  auto fhir = ReadFhir(R"json(
    {"resource": {"resourceType": "HealthcareService", "id": "far", "name": "Far",
      "contained": [{"resourceType": "Location", "id": "p", "position": {"latitude": 91, "longitude": 5}}],
      "location": [{"reference": "#p"}]}})json");
  BOOST_REQUIRE(fhir.ok());
  BOOST_TEST(fhir->groups.empty());
  BOOST_TEST(Mentions(fhir->rejected, "HealthcareService/far.location[0].position.latitude"));
}

BOOST_AUTO_TEST_CASE(durations_that_overflow_are_refused_at_import) {
  auto file = ParseGroupDocument(R"json({"groups": [{"id": "g", "name": "G", "organisation": "O", "themes": ["alcohol"],
    "audience": "person", "format": "digital",
    "meetings": [{"rrule": "FREQ=WEEKLY;BYDAY=TU", "startTime": "19:00", "duration": "PT99999999999M"}]}]})json",
                                 "g.json", "g");
  BOOST_TEST(file.status().message().find("groups[0].meetings[0].duration: expected PT#H#M") != std::string::npos,
             file.status().message());
  BOOST_TEST(DurationMinutes("PT90M").value_or(0) == 90);
  BOOST_TEST(DurationMinutes("PT1H30M").value_or(0) == 90);
  BOOST_TEST(DurationMinutes("PT24H").value_or(0) == 1440);
  for (const char* bad : {"PT99999999999M", "PT25H", "PT0M", "PT", "P1D", "PT30", "PTM", "PT30M1H", "PT1H1H", "90"}) {
    BOOST_TEST(!DurationMinutes(bad).has_value(), bad);
  }
}

namespace {

// An HSDS API that claims a billion pages of `per_page` services, each page `padding` bytes
// longer than its services; counts the calls.
HttpSend BillionPages(int* calls, int per_page, size_t padding = 0) {
  return [calls, per_page, padding](const HttpRequestSpec& request) -> Result<HttpResponse> {
    ++*calls;
    std::string contents;
    for (int i = 0; i < per_page; ++i) {
      contents += std::string(i ? "," : "") + R"({"id":"s)" + std::to_string(*calls) + "-" + std::to_string(i) +
                  R"(","name":"G","organization":{"name":"AA"},"schedules":[]})";
    }
    HttpResponse response;
    response.status = 200;
    response.body = R"({"total_pages":1000000000,"pad":")" + std::string(padding, 'x') + R"(","contents":[)" +
                    contents + "]}";
    if (request.max_response_bytes > 0 && static_cast<int64_t>(response.body.size()) > request.max_response_bytes) {
      return ResourceExhaustedError(request.url + ": answer larger than the bound");
    }
    return response;
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_api_claiming_a_billion_pages_is_read_up_to_max_pages) {
  int calls = 0;
  auto read = FetchHsdsApi(BillionPages(&calls, 1), "https://hsds.example/api", {"hsds", nullptr, nullptr}, {}, 0,
                           ReadBounds{30, 100000, 1 << 30});
  BOOST_TEST((read.status().code() == StatusCode::kResourceExhausted));
  BOOST_TEST(read.status().message().find("maxPages (30)") != std::string::npos, read.status().message());
  BOOST_TEST(calls == 30);
}

BOOST_AUTO_TEST_CASE(items_and_bytes_are_bounded_across_pages) {
  int calls = 0;
  auto items = FetchHsdsApi(BillionPages(&calls, 10), "https://hsds.example/api", {"hsds", nullptr, nullptr}, {}, 0,
                            ReadBounds{1000, 55, 1 << 30});
  BOOST_TEST(items.status().message().find("maxItems (55)") != std::string::npos, items.status().message());
  BOOST_TEST(calls == 6);  // the page that passes 55 services is the last one read

  calls = 0;
  auto bytes = FetchHsdsApi(BillionPages(&calls, 1, 10000), "https://hsds.example/api", {"hsds", nullptr, nullptr},
                            {}, 0, ReadBounds{1000, 100000, 100000});
  BOOST_TEST(bytes.status().message().find("maxBytes (100000)") != std::string::npos, bytes.status().message());
  BOOST_TEST(calls <= 10);  // about 10 KB a page: the budget is spent after 9 or 10
}

BOOST_AUTO_TEST_SUITE_END()
