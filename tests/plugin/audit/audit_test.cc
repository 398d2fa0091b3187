// The compliance measure on hand-built cases (each rule's edge) and on synthetic exports whose
// figures are known from how they were generated.
#include "plugin/audit/audit_run.h"
#include "plugin/audit/audit_html.h"

#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "fhir/json/json_reader.h"
#include "fhir/r4/date_time.h"
#include "plugin/audit/synthetic_export.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {
const fs::path kData = fs::path(SELVHJELP_SOURCE_DIR) / "mappings/data";

struct AuditFixture {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-audit-" + std::to_string(::getpid()));
  mappings::DiagnosisTable diagnoses = *mappings::DiagnosisTable::Load({kData / "substance-use-diagnoses.json"}, {});
  AuditRules rules;
  AuditFixture() {
    fs::remove_all(dir);
    fs::create_directories(dir / "in");
    rules.diagnoses = &diagnoses;
    rules.from_day = *fhir::EpochDay("2026-01-01");
    rules.to_day = *fhir::EpochDay("2026-06-30");
  }
  ~AuditFixture() { fs::remove_all(dir); }

  void Write(const std::string& file, const std::string& lines) { std::ofstream(dir / "in" / file, std::ios::app) << lines; }

  Result<AuditOutput> Run(int64_t partition_bytes = 64 << 20, int threads = 0, const std::string& out = "out") {
    return RunAudit(dir / "in", dir / out, rules, ShippedMeasure(), {"2026-01-01", "2026-06-30", "2026-07-01T08:00:00Z"},
                    nullptr, partition_bytes, threads);
  }

  std::string Text(const fs::path& file) {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // Drill-down rows by episode reference.
  std::map<std::string, std::vector<std::string>> Rows() {
    std::map<std::string, std::vector<std::string>> rows;
    std::ifstream in(dir / "out" / "drilldown.csv");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::vector<std::string> fields;
      std::stringstream s(line);
      std::string f;
      while (std::getline(s, f, ',')) fields.push_back(f);
      if (line.back() == ',') fields.push_back("");
      rows[fields[2]] = fields;
    }
    return rows;
  }
};

std::string Patient(const std::string& id, const std::string& extra = "") {
  return R"({"resourceType":"Patient","id":")" + id + R"(")" + extra + "}\n";
}
std::string Condition(const std::string& id, const std::string& patient, const std::string& code) {
  return R"({"resourceType":"Condition","id":")" + id + R"(","subject":{"reference":"Patient/)" + patient +
         R"("},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":")" + code + R"("}]}})" "\n";
}
std::string Episode(const std::string& id, const std::string& patient, const std::string& condition,
                    const std::string& start, const std::string& end, const std::string& unit = "Organization/u1") {
  return R"({"resourceType":"EpisodeOfCare","id":")" + id + R"(","status":"finished","patient":{"reference":"Patient/)" +
         patient + R"("},"managingOrganization":{"reference":")" + unit + R"("},"diagnosis":[{"condition":{"reference":"Condition/)" +
         condition + R"("}}],"period":{"start":")" + start + "\"" + (end.empty() ? "" : R"(,"end":")" + end + "\"") + "}}\n";
}
std::string Record(const std::string& patient, const std::string& sent, const std::string& recipient,
                   const std::string& level = "written", const std::string& response = "interested",
                   const std::string& status = "completed") {
  return R"({"resourceType":"Communication","status":")" + status +
         R"(","extension":[{"url":"https://selvhjelp.example/fhir/StructureDefinition/intervention-level","valueCoding":{"code":")" + level +
         R"("}},{"url":"https://selvhjelp.example/fhir/StructureDefinition/patient-response","valueCoding":{"code":")" + response +
         R"("}}],"category":[{"coding":[{"system":"https://selvhjelp.example/fhir/CodeSystem/selvhjelp-category","code":"self-help-information"}]}],"subject":{"reference":"Patient/)" +
         patient + R"("},"sent":")" + sent + R"(T10:00:00+01:00","recipient":[{"reference":")" + recipient + R"("}]})" "\n";
}
}  // namespace

BOOST_FIXTURE_TEST_CASE(each_rule_on_a_hand_built_export, AuditFixture) {
  // A: the episode crosses the period's start; information given during it, before the period: counts.
  Write("a.ndjson", Patient("A") + Condition("cA", "A", "F10.2") + Episode("eA", "A", "cA", "2025-12-01", "2026-02-01") +
                        Record("A", "2025-12-15", "Patient/A"));
  // B: information before the episode: not counted.
  Write("a.ndjson", Patient("B") + Condition("cB", "B", "F11.2") + Episode("eB", "B", "cB", "2026-03-01", "2026-04-01") +
                        Record("B", "2026-02-20", "Patient/B"));
  // C: only a relative informed: relatives yes, patient no.
  Write("b.ndjson", Patient("C") + Condition("cC", "C", "F10.2") + Episode("eC", "C", "cC", "2026-02-01", "2026-05-01") +
                        R"({"resourceType":"RelatedPerson","id":"rC","active":true,"patient":{"reference":"Patient/C"}})" "\n" +
                        Record("C", "2026-03-01", "RelatedPerson/rC", "conversation"));
  // D: open episode at another unit; a decline is information given.
  Write("b.ndjson", Patient("D") + Condition("cD", "D", "F12.1") +
                        Episode("eD", "D", "cD", "2026-04-01", "", "Organization/u2") +
                        Record("D", "2026-04-10", "Patient/D", "conversation", "declined"));
  // E: died during the episode: excluded.
  Write("c.ndjson", Patient("E", R"(,"deceasedDateTime":"2026-02-15")") + Condition("cE", "E", "F10.2") +
                        Episode("eE", "E", "cE", "2026-02-01", "2026-03-01"));
  // F and G: transfer to another facility after 3 days (excluded) and after 19 days (not).
  for (const auto& [p, end] : std::map<std::string, std::string>{{"F", "2026-05-04"}, {"G", "2026-05-20"}}) {
    Write("c.ndjson", Patient(p) + Condition("c" + p, p, "F10.2") + Episode("e" + p, p, "c" + p, "2026-05-01", end) +
                          R"({"resourceType":"Encounter","id":"n)" + p + R"(","status":"finished","subject":{"reference":"Patient/)" + p +
                          R"("},"episodeOfCare":[{"reference":"EpisodeOfCare/e)" + p +
                          R"("}],"hospitalization":{"dischargeDisposition":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/discharge-disposition","code":"other-hcf"}]}}})" "\n");
  }
  // H: tobacco only: no episode. J: an episode after the period.
  Write("d.ndjson", Patient("H") + Condition("cH", "H", "F17.2") + Episode("eH", "H", "cH", "2026-02-01", "2026-03-01") +
                        Patient("J") + Condition("cJ", "J", "F10.2") + Episode("eJ", "J", "cJ", "2026-07-01", "2026-08-01"));
  // I: an encounter outside any episode with a qualifying reason; a not-done record does not count.
  Write("d.ndjson", Patient("I") +
                        R"({"resourceType":"Encounter","id":"nI","status":"finished","subject":{"reference":"Patient/I"},"serviceProvider":{"reference":"Organization/u1"},"reasonCode":[{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"F11.2"}]}],"period":{"start":"2026-06-10","end":"2026-06-11"}})" "\n" +
                        Record("I", "2026-06-10", "Patient/I", "written", "interested", "not-done"));
  // K: information after the episode ended. L: after the period ended, in an open episode.
  Write("e.ndjson", Patient("K") + Condition("cK", "K", "F10.2") + Episode("eK", "K", "cK", "2026-01-10", "2026-01-20") +
                        Record("K", "2026-01-25", "Patient/K") + Patient("L") + Condition("cL", "L", "F10.2") +
                        Episode("eL", "L", "cL", "2026-06-01", "") + Record("L", "2026-07-05", "Patient/L"));
  Write("blank.ndjson", "\n");

  // Tiny partitions: the result must not depend on how patients are split.
  auto output = Run(/*partition_bytes=*/1000);
  BOOST_REQUIRE_MESSAGE(output.ok(), output.status().message());
  BOOST_TEST(output->partitions > 1);
  const Tally& p = output->tally.patients.total;
  BOOST_TEST(p.initial == 10);   // A B C D E F G I K L
  BOOST_TEST(p.excluded == 2);   // E F
  BOOST_TEST(p.numerator == 2);  // A D
  const Tally& r = output->tally.relatives.total;
  BOOST_TEST(r.initial == 1);
  BOOST_TEST(r.numerator == 1);
  BOOST_TEST(output->tally.patients.by_level.at("conversation").numerator == 1);
  BOOST_TEST(output->tally.patients.by_response.at("declined").numerator == 1);
  // The relatives' mixes come from the records to relatives (C's relative: a conversation).
  BOOST_TEST(output->tally.relatives.by_level.at("conversation").numerator == 1);
  BOOST_TEST(output->tally.relatives.by_response.at("interested").numerator == 1);
  BOOST_TEST(output->tally.patients.by_level.at("none").initial == 8);  // C's relative's record is not the patient's
  BOOST_TEST(output->tally.patients.by_unit.at("Organization/u2").numerator == 1);
  BOOST_TEST(output->tally.patients.by_month.at("2026-01").initial == 2);  // A (clamped to the period) and K

  auto rows = Rows();
  BOOST_TEST(rows.size() == 10u);
  BOOST_TEST(rows["EpisodeOfCare/eA"][7] == "yes");
  BOOST_TEST(rows["EpisodeOfCare/eA"][8] == "2025-12-15");
  BOOST_TEST(rows["EpisodeOfCare/eB"][7] == "no");
  BOOST_TEST(rows["EpisodeOfCare/eC"][12] == "yes");
  BOOST_TEST(rows["EpisodeOfCare/eC"][13] == "conversation");
  BOOST_TEST(rows["EpisodeOfCare/eC"][14] == "interested");
  BOOST_TEST(rows["EpisodeOfCare/eC"][9] == "");  // the patient's own level: not informed
  BOOST_TEST(rows["EpisodeOfCare/eD"][10] == "declined");
  BOOST_TEST(rows["EpisodeOfCare/eE"][6] == "deceased");
  BOOST_TEST(rows["EpisodeOfCare/eF"][6] == "transferred-out");
  BOOST_TEST(rows["EpisodeOfCare/eG"][6] == "");
  BOOST_TEST(rows.count("Encounter/nI") == 1u);
  BOOST_TEST(rows.count("EpisodeOfCare/eH") == 0u);
  BOOST_TEST(rows.count("Encounter/nF") == 0u);  // part of a counted episode

  // The subject list names exactly the patients not informed (and not excluded).
  auto subject_list = fhir::ParseJson([&] {
    std::ifstream in(dir / "out" / "measure-report-subject-list.json");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }());
  BOOST_REQUIRE(subject_list.ok());
  std::set<std::string> listed;
  for (const auto& item : subject_list->Find("contained")->items()[0].Find("entry")->items()) {
    listed.emplace(*item.FindPath({"item"})->FindString("reference"));
  }
  BOOST_TEST((listed == std::set<std::string>{"Patient/B", "Patient/C", "Patient/G", "Patient/I", "Patient/K", "Patient/L"}));

  // One unit only.
  rules.unit = "Organization/u2";
  auto one_unit = Run();
  BOOST_TEST(one_unit->tally.patients.total.initial == 1);
}

BOOST_FIXTURE_TEST_CASE(a_line_that_is_not_a_resource_is_named_and_nothing_is_written, AuditFixture) {
  Write("Patient.ndjson", Patient("A") + "{\"id\": \"x\"}\n");
  auto output = Run();
  BOOST_TEST(output.status().message() == (dir / "in" / "Patient.ndjson").string() + ":2: not a FHIR resource (no resourceType)");
  BOOST_TEST(!fs::exists(dir / "out" / "measure-report.json"));
  // With two broken files, the first in file order is named, whatever the threads.
  Write("Condition.ndjson", "{\"resourceType\": \"Condition\", \n");
  for (int threads : {1, 2, 4}) {
    BOOST_TEST(Run(64 << 20, threads).status().message().find("Condition.ndjson:1: not JSON") != std::string::npos);
  }
}

BOOST_FIXTURE_TEST_CASE(synthetic_exports_give_their_known_figures, AuditFixture) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    fs::remove_all(dir / "in");
    SyntheticExportSpec spec{3000, seed, rules.from_day, rules.to_day, 7};
    auto expected = WriteSyntheticExport(spec, dir / "in");
    BOOST_REQUIRE(expected.ok());
    auto output = Run(/*partition_bytes=*/1 << 20);
    BOOST_REQUIRE_MESSAGE(output.ok(), output.status().message());
    for (const auto& [name, tally] : {std::pair<std::string, const Tally*>{"patients", &output->tally.patients.total},
                                      {"relatives", &output->tally.relatives.total}}) {
      const fhir::JsonValue& g = *expected->FindPath({"groups", name});
      BOOST_TEST(tally->initial == *g.FindInt("initialPopulation"), name << " seed " << seed);
      BOOST_TEST(tally->excluded == *g.FindInt("denominatorExclusion"), name << " seed " << seed);
      BOOST_TEST(tally->numerator == *g.FindInt("numerator"), name << " seed " << seed);
    }
    for (const auto& [unit, g] : expected->Find("patientsByUnit")->members()) {
      BOOST_TEST(output->tally.patients.by_unit.at(unit).numerator == *g.FindInt("numerator"));
    }
  }
  // The same files whatever the threads and partitions (the summary's date aside, which is fixed here).
  BOOST_REQUIRE(Run(1 << 20, 1, "one-thread").ok());
  BOOST_REQUIRE(Run(256 << 10, 3, "three-threads").ok());
  for (const char* file : {"drilldown.csv", "measure-report.json", "measure-report-subject-list.json", "report.html"}) {
    BOOST_TEST(Text(dir / "one-thread" / file) == Text(dir / "out" / file), file);
  }
  BOOST_TEST(Text(dir / "three-threads" / "measure-report.json") == Text(dir / "out" / "measure-report.json"));
}

BOOST_AUTO_TEST_CASE(the_html_report_speaks_the_asked_language) {
  AuditTally tally;
  tally.patients.total = {3, 0, 2};
  tally.patients.by_unit["Enhet A"] = {3, 0, 2};
  tally.patients.by_level["conversation"] = {2, 0, 2};
  tally.patients.by_response["declined"] = {2, 0, 2};
  tally.relatives.total = {1, 0, 1};
  const ReportPeriod period{"2026-01-01", "2026-06-30", "2026-07-01T08:00:00Z", "nb"};
  const std::string nb = AuditHtml(tally, period, "", AuditReportTextsFor("nb"));
  BOOST_TEST(nb.find("<html lang=\"nb\">") != std::string::npos);
  BOOST_TEST(nb.find("<h1>Informasjon om selvhjelpsgrupper i rusbehandling</h1>") != std::string::npos);
  BOOST_TEST(nb.find("<td>66,7 %</td>") != std::string::npos);  // decimal comma
  BOOST_TEST(nb.find("takket nei") != std::string::npos);
  BOOST_TEST(nb.find("66,7 % (2 av 3)") != std::string::npos);
  BOOST_TEST(nb.find("Share informed") == std::string::npos);
  // Levels in the order of the guideline's evidence, not the alphabet's.
  BOOST_TEST(nb.find("skriftlig informasjon") < nb.find("formidlet kontakt"));
  const std::string nn = AuditHtml(tally, period, "Rusbehandling poliklinikk", AuditReportTextsFor("nn"));
  BOOST_TEST(nn.find("<html lang=\"nn\">") != std::string::npos);
  BOOST_TEST(nn.find(", eining Rusbehandling poliklinikk.") != std::string::npos);
  BOOST_TEST(nn.find("Pasientar") != std::string::npos);
  const std::string en = AuditHtml(tally, period, "", AuditReportTextsFor("en"));
  BOOST_TEST(en.find("<html lang=\"en\">") != std::string::npos);
  BOOST_TEST(en.find("<td>66.7 %</td>") != std::string::npos);
  BOOST_TEST(en.find("2 of 3") != std::string::npos);
  BOOST_TEST(!HasAuditReportLanguage("de"));
  BOOST_TEST(AuditHtml(tally, period, "", AuditReportTextsFor("de")) == nb);  // nb for a language it has not
}
