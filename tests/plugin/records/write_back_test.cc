// The write-back mode chosen at start-up, what each builds for the outbox, and what each needs of
// the EHR's CapabilityStatement.
#include "plugin/records/write_back.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "fhir/json/json_reader.h"
#include "plugin/handout/handout.h"
#include "plugin/records/capability_check.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;

namespace {
const std::filesystem::path kData = std::filesystem::path(SELVHJELP_SOURCE_DIR) / "mappings/data";

InformationRecord Record() {
  InformationRecord r;
  r.id = "0190a000-0000-7000-8000-00000000000c";
  r.patient = {"Patient/p1", "", "", ""};
  r.recipients = {{"Patient/p1", "", "", ""}};
  r.practitioner = {"Practitioner/d1", "", "", ""};
  r.sent = "2026-11-18T10:00:00+01:00";
  r.level = "written";
  r.response = "interested";
  return r;
}

struct Fixture {
  mappings::RecordCodes codes = *mappings::RecordCodes::Load(kData / "record-codes.json");
  mappings::TextCatalog texts = *LoadHandoutTexts(kData / "handout");
  config::RecordsConfig records;
  Fixture() {
    records.fhir_server = "https://ehr.example/fhir";
    records.document.type = {"http://loinc.org", "34109-9", "Note"};
  }
  std::unique_ptr<WriteBackMode> Make(const std::string& mode) {
    records.write_back = mode;
    auto made = MakeWriteBackMode(records, &codes, &texts);
    BOOST_REQUIRE_MESSAGE(made.ok(), made.status().message());
    return std::move(made).value();
  }
  std::vector<std::string> Types(const WriteBackPayload& payload) {
    std::vector<std::string> types;
    const Result<JsonValue> bundle = fhir::ParseJson(payload.bundle_json);  // alive while its entries are read
    for (const JsonValue& e : bundle->Find("entry")->items()) {
      types.emplace_back(*e.FindPath({"resource"})->FindString("resourceType"));
    }
    return types;
  }
};

JsonValue Statement(std::string_view json) { return *fhir::ParseJson(json); }
}  // namespace

BOOST_FIXTURE_TEST_CASE(each_mode_builds_its_own_payload, Fixture) {
  auto communication = Make("communication");
  BOOST_TEST(communication->name() == "communication");
  WriteBackPayload sent = *communication->Build(Record(), 1'795'000'000);
  BOOST_TEST(sent.deliver);
  BOOST_TEST((Types(sent) == std::vector<std::string>{"Communication", "Provenance"}));

  auto document = Make("document");
  BOOST_TEST(document->name() == "document");
  WriteBackPayload doc = *document->Build(Record(), 1'795'000'000);
  BOOST_TEST(doc.deliver);
  BOOST_TEST((Types(doc) == std::vector<std::string>{"Binary", "DocumentReference"}));

  // none keeps the structured record (the communication transaction) but sends nothing.
  auto none = Make("none");
  BOOST_TEST(none->name() == "none");
  WriteBackPayload kept = *none->Build(Record(), 1'795'000'000);
  BOOST_TEST(!kept.deliver);
  BOOST_TEST((Types(kept) == std::vector<std::string>{"Communication", "Provenance"}));
  BOOST_TEST(none->Needs().empty());
}

BOOST_FIXTURE_TEST_CASE(document_mode_needs_note_texts_in_its_language, Fixture) {
  records.write_back = "document";
  records.document.language = "se";
  auto refused = MakeWriteBackMode(records, &codes, &texts);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.status().message().find("records.document.language") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(the_capability_statement_says_what_is_missing, Fixture) {
  auto document = Make("document");
  const JsonValue full = Statement(R"({"resourceType": "CapabilityStatement", "rest": [{"mode": "server",
    "interaction": [{"code": "transaction"}],
    "resource": [{"type": "DocumentReference", "interaction": [{"code": "create"}, {"code": "search-type"}, {"code": "patch"}]},
                 {"type": "Binary", "interaction": [{"code": "update"}, {"code": "read"}], "updateCreate": true}]}]})");
  BOOST_TEST(CapabilityGaps(full, document->Needs()).empty());

  // DIPS-like: documents can be read and created, Binary not written, no transaction.
  const JsonValue read_mostly = Statement(R"({"resourceType": "CapabilityStatement", "rest": [{"mode": "server",
    "resource": [{"type": "DocumentReference", "interaction": [{"code": "create"}]},
                 {"type": "Binary", "interaction": [{"code": "read"}]}]}]})");
  BOOST_TEST((CapabilityGaps(read_mostly, document->Needs()) ==
              std::vector<std::string>{"Binary update", "transaction",
                                       "DocumentReference patch (entered-in-error corrections)"}),
             boost::test_tools::per_element());

  const JsonValue no_client_ids = Statement(R"({"resourceType": "CapabilityStatement", "rest": [{"mode": "server",
    "interaction": [{"code": "transaction"}],
    "resource": [{"type": "DocumentReference", "interaction": [{"code": "create"}, {"code": "patch"}]},
                 {"type": "Binary", "interaction": [{"code": "update"}], "updateCreate": false}]}]})");
  BOOST_TEST((CapabilityGaps(no_client_ids, document->Needs()) ==
              std::vector<std::string>{"Binary update (updateCreate is false)"}),
             boost::test_tools::per_element());

  // A statement without a server part (or not a statement) lists nothing.
  auto communication = Make("communication");
  const JsonValue bare = Statement(R"({"resourceType": "CapabilityStatement", "status": "active"})");
  BOOST_TEST(CapabilityGaps(bare, communication->Needs()).size() == 8u);
  BOOST_TEST(CapabilityGaps(full, communication->Needs()).size() == 7u);  // it has transaction, not the four types

  // An EHR that takes the records but refuses PATCH: corrections would park, so it is said.
  const JsonValue no_patch = Statement(R"({"resourceType": "CapabilityStatement", "rest": [{"mode": "server",
    "interaction": [{"code": "transaction"}],
    "resource": [{"type": "Communication", "interaction": [{"code": "create"}, {"code": "patch"}]},
                 {"type": "Procedure", "interaction": [{"code": "create"}]},
                 {"type": "Consent", "interaction": [{"code": "create"}]},
                 {"type": "Provenance", "interaction": [{"code": "create"}]}]}]})");
  BOOST_TEST((CapabilityGaps(no_patch, communication->Needs()) ==
              std::vector<std::string>{"Procedure patch (entered-in-error corrections)",
                                       "Consent patch (entered-in-error corrections)"}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(the_check_reads_metadata_once_bounded_and_only_warns, Fixture) {
  auto document = Make("document");
  std::vector<HttpRequestSpec> seen;
  HttpSend answers = [&](const HttpRequestSpec& request) -> Result<HttpResponse> {
    seen.push_back(request);
    return HttpResponse{200, R"({"resourceType": "CapabilityStatement", "rest": [{"mode": "server"}]})", "", "", ""};
  };
  const std::string note = CheckWriteBackCapability(answers, "https://ehr.example/fhir", *document);
  BOOST_REQUIRE(seen.size() == 1u);
  BOOST_TEST(seen[0].url == "https://ehr.example/fhir/metadata");
  BOOST_TEST(seen[0].max_response_bytes > 0);
  BOOST_TEST(note.rfind("warning: records.writeBack document: ", 0) == 0u, note);
  BOOST_TEST(note.find("DocumentReference create, Binary update, transaction, "
                       "DocumentReference patch (entered-in-error corrections)") != std::string::npos, note);

  HttpSend unreachable = [](const HttpRequestSpec&) -> Result<HttpResponse> { return UnavailableError("refused"); };
  BOOST_TEST(CheckWriteBackCapability(unreachable, "https://ehr.example/fhir", *document).find("could not read") !=
             std::string::npos);
  BOOST_TEST(CheckWriteBackCapability(answers, "https://ehr.example/fhir", *Make("none")).empty());
}
