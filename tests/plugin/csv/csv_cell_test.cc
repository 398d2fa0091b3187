// Issue 11 item 3: every CSV we write (drilldown.csv, the HSDS export) opens safely in a
// spreadsheet: cells a spreadsheet would run as formulas are neutralised as OWASP recommends.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "plugin/audit/audit_run.h"
#include "plugin/csv/csv_cell.h"
#include "plugin/groups/hsds_package.h"

using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {
std::string Cell(std::string_view value) {
  std::string row;
  AppendCsvCell(row, value);
  return row;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(csv_cell)

BOOST_AUTO_TEST_CASE(formula_starts_get_a_quote_and_plain_values_stay) {
  BOOST_TEST(Cell("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  BOOST_TEST(Cell("+cmd|' /C calc'!A0") == "\"'+cmd|' /C calc'!A0\"");
  BOOST_TEST(Cell("-2+3") == "\"'-2+3\"");
  BOOST_TEST(Cell("@SUM(A1)") == "\"'@SUM(A1)\"");
  BOOST_TEST(Cell("\t=1") == "\"'\t=1\"");
  BOOST_TEST(Cell("\r=1") == "\"'\r=1\"");
  // Numbers are read as numbers, never run: they stay as they are.
  BOOST_TEST(Cell("-12.5") == "-12.5");
  BOOST_TEST(Cell("+4722334455") == "+4722334455");
  BOOST_TEST(Cell("Gruppe, Bergen") == "\"Gruppe, Bergen\"");
  BOOST_TEST(Cell("plain") == "plain");
  BOOST_TEST(Cell("") == "");
}

BOOST_AUTO_TEST_CASE(the_drilldown_neutralises_its_cells) {
  EpisodeResult e;
  e.patient_id = "p1";
  e.unit = "=1+2";  // a unit's name comes from the export
  e.episode = "EpisodeOfCare/e1";
  const std::string row = DrilldownRow(e);
  BOOST_TEST(row.find(",\"'=1+2\",") != std::string::npos, row);
}

BOOST_AUTO_TEST_CASE(the_hsds_export_neutralises_its_cells) {
  Group g;
  g.id = "g1";
  g.source = "s";
  g.name = "=HYPERLINK(\"https://evil.example\",\"Klikk\")";
  g.organisation = "@org";
  g.format = Format::kDigital;
  const fs::path dir = fs::temp_directory_path() / ("selvhjelp-csv-cell-" + std::to_string(::getpid()));
  BOOST_REQUIRE(WriteHsdsPackage({&g}, nullptr, dir).ok());
  std::ifstream in(dir / "services.csv");
  std::stringstream text;
  text << in.rdbuf();
  BOOST_TEST(text.str().find("\"'=HYPERLINK(") != std::string::npos, text.str());
  BOOST_TEST(text.str().find(",=HYPERLINK") == std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
