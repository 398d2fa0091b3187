// The `document` write-back's transaction: a Binary with the note as PDF, a DocumentReference
// pointing at it with the note as text too, the structured record contained, and retries that
// create nothing new.
#include "plugin/records/document_bundle.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <optional>

#include "plugin/handout/handout.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
using fhir::JsonValue;

namespace {
const std::filesystem::path kData = std::filesystem::path(SELVHJELP_SOURCE_DIR) / "mappings/data";
constexpr const char* kId = "0190a000-0000-7000-8000-00000000000b";

// RFC 4648 Base64, decoded here independently of the encoder under test.
std::string Decode(std::string_view text) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    bits = bits << 6 | static_cast<unsigned>(alphabet.find(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>(bits >> count & 0xff);
    }
  }
  return out;
}

InformationRecord Record() {
  InformationRecord r;
  r.id = kId;
  r.patient = {"Patient/p1", "", "", ""};
  r.recipients = {{"Patient/p1", "", "", ""}};
  r.practitioner = {"Practitioner/d1", "urn:oid:2.16.578.1.12.4.1.4.4", "9144889", "Dr Test"};
  r.encounter_id = "e1";
  r.sent = "2026-11-18T10:00:00+01:00";
  r.level = "conversation";
  r.response = "thinking";
  r.groups = {{"demo|bgo-aa-1", "AA Bergen sentrum", "AA"}};
  return r;
}

struct Fixture {
  mappings::TextCatalog texts = *LoadHandoutTexts(kData / "handout");
  config::RecordDocumentConfig document{{"http://dips.no/fhir/CodeSystem/dips-documenttypeid", "1234", "Notat"},
                                        {"http://loinc.org", "11488-4", "Consult note"},
                                        "Organization/hf1",
                                        "nb"};
  DocumentContext context{&texts, &document, "https://ehr.example/fhir", 1'795'000'000};
  JsonValue bundle = *BuildDocumentBundle(Record(), context);

  const JsonValue& EntryOf(std::string_view type) const {
    for (const JsonValue& e : bundle.Find("entry")->items()) {
      if (e.FindPath({"resource"})->FindString("resourceType") == type) return e;
    }
    throw std::runtime_error("no " + std::string(type));
  }
  const JsonValue& Document() const { return *EntryOf("DocumentReference").Find("resource"); }
};
}  // namespace

BOOST_FIXTURE_TEST_CASE(a_document_is_a_binary_and_a_document_reference_in_one_transaction, Fixture) {
  BOOST_TEST((bundle.FindString("type") == "transaction"));
  BOOST_TEST(bundle.Find("entry")->items().size() == 2u);
  const JsonValue& d = Document();
  BOOST_TEST((d.FindString("status") == "current"));
  BOOST_TEST((d.FindString("docStatus") == "final"));
  BOOST_TEST((d.FindPath({"type"})->Find("coding")->items()[0].FindString("code") == "1234"));
  BOOST_TEST((d.FindPath({"type"})->Find("coding")->items()[0].FindString("system") ==
              "http://dips.no/fhir/CodeSystem/dips-documenttypeid"));
  BOOST_TEST((d.Find("category")->items()[0].Find("coding")->items()[0].FindString("code") == "11488-4"));
  BOOST_TEST((d.FindPath({"subject"})->FindString("reference") == "Patient/p1"));
  BOOST_TEST((d.Find("author")->items()[0].FindString("reference") == "Practitioner/d1"));
  BOOST_TEST((d.FindPath({"custodian"})->FindString("reference") == "Organization/hf1"));
  BOOST_TEST((d.FindString("date") == "2026-11-18T11:06:40Z"));
  BOOST_TEST((d.FindPath({"context"})->Find("encounter")->items()[0].FindString("reference") == "Encounter/e1"));
}

BOOST_FIXTURE_TEST_CASE(retries_create_nothing_new, Fixture) {
  // The document: a conditional create on its stable identifier (the record system, our id).
  const JsonValue& entry = EntryOf("DocumentReference");
  BOOST_TEST((entry.FindPath({"request"})->FindString("method") == "POST"));
  BOOST_TEST((entry.FindPath({"request"})->FindString("ifNoneExist") ==
              std::string("identifier=https://selvhjelp.example/fhir/NamingSystem/record|") + kId + "/document"));
  const JsonValue& identifier = Document().Find("identifier")->items()[0];
  BOOST_TEST((identifier.FindString("system") == "https://selvhjelp.example/fhir/NamingSystem/record"));
  BOOST_TEST((identifier.FindString("value") == std::string(kId) + "/document"));
  // The PDF: a PUT to an id derived from the record, which the attachment names.
  const JsonValue& binary = EntryOf("Binary");
  BOOST_TEST((binary.FindPath({"request"})->FindString("method") == "PUT"));
  BOOST_TEST((binary.FindPath({"request"})->FindString("url") == std::string("Binary/selvhjelp-") + kId));
  BOOST_TEST((binary.FindPath({"resource"})->FindString("id") == std::string("selvhjelp-") + kId));
  const JsonValue& pdf = Document().Find("content")->items()[0];
  BOOST_TEST((pdf.FindPath({"attachment"})->FindString("url") ==
              std::string("https://ehr.example/fhir/Binary/selvhjelp-") + kId));
  BOOST_TEST((binary.FindString("fullUrl") == pdf.FindPath({"attachment"})->FindString("url")));
  // The same record built again is the same request.
  JsonValue again = *BuildDocumentBundle(Record(), context);
  BOOST_TEST((again.Find("entry")->items()[0].FindPath({"request"})->FindString("url") ==
              binary.FindPath({"request"})->FindString("url")));
}

BOOST_FIXTURE_TEST_CASE(the_pdf_is_a_pdf_and_the_text_says_what_was_given, Fixture) {
  const JsonValue& binary = *EntryOf("Binary").Find("resource");
  BOOST_TEST((binary.FindString("contentType") == "application/pdf"));
  const std::string pdf = Decode(*binary.FindString("data"));
  BOOST_TEST(pdf.rfind("%PDF-", 0) == 0u);
  BOOST_TEST(pdf.find("%%EOF") != std::string::npos);
  const JsonValue& pdf_attachment = *Document().Find("content")->items()[0].Find("attachment");
  BOOST_TEST((pdf_attachment.FindString("contentType") == "application/pdf"));
  BOOST_TEST((pdf_attachment.FindInt("size") == static_cast<int64_t>(pdf.size())));
  BOOST_TEST((pdf_attachment.FindString("language") == "nb"));

  const JsonValue& text_attachment = *Document().Find("content")->items()[1].Find("attachment");
  BOOST_TEST((text_attachment.FindString("contentType") == "text/plain; charset=utf-8"));
  const std::string text = Decode(*text_attachment.FindString("data"));
  BOOST_TEST(text.find("Informasjon om selvhjelpsgrupper") != std::string::npos);
  BOOST_TEST(text.find("pasienten") != std::string::npos);
  BOOST_TEST(text.find("motiverende samtale med anbefaling") != std::string::npos);
  BOOST_TEST(text.find("vil tenke på det") != std::string::npos);
  BOOST_TEST(text.find("AA Bergen sentrum (AA)") != std::string::npos);
  BOOST_TEST(text.find("Dr Test, HPR-nr. 9144889") != std::string::npos);
  BOOST_TEST(text.find("2026-11-18 10:00") != std::string::npos);
  BOOST_TEST(text.find("p1") == std::string::npos, "no patient id in the note");
}

BOOST_FIXTURE_TEST_CASE(the_note_is_dated_as_norway_s_clocks_show_it, Fixture) {
  InformationRecord late = Record();
  late.sent = "2026-11-18T23:30:00Z";  // half past midnight on the 19th in Norway
  const JsonValue document = *BuildDocumentBundle(late, context);
  const JsonValue& text_attachment = *document.Find("entry")->items()[1].FindPath({"resource"})->Find("content")->items()[1].Find("attachment");
  const std::string text = Decode(*text_attachment.FindString("data"));
  BOOST_TEST(text.find("2026-11-19 00:30") != std::string::npos, text);
  BOOST_TEST(text.find("2026-11-18") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(the_structured_record_is_contained_and_related, Fixture) {
  const JsonValue& d = Document();
  const JsonValue& record = d.Find("contained")->items()[0];
  BOOST_TEST((record.FindString("resourceType") == "Communication"));
  BOOST_TEST((record.FindString("id") == "record"));
  BOOST_TEST((record.Find("identifier")->items()[0].FindString("value") == std::string("urn:uuid:") + kId));
  BOOST_TEST((record.Find("extension")->items()[1].FindPath({"valueCoding"})->FindString("code") == "thinking"));
  BOOST_TEST(record.Find("partOf") == nullptr, "no Procedure is sent to be part of");
  BOOST_TEST((d.FindPath({"context"})->Find("related")->items()[0].FindString("reference") == "#record"));
  // Every resource carries the record's tag.
  for (const JsonValue& e : bundle.Find("entry")->items()) {
    BOOST_TEST((e.FindPath({"resource"})->FindPath({"meta"})->Find("tag")->items()[0].FindString("code") == kId));
  }
}

BOOST_FIXTURE_TEST_CASE(relatives_are_in_the_note_without_their_names, Fixture) {
  InformationRecord r = Record();
  r.to_relatives = true;
  r.recipients = {{"RelatedPerson/r1", "", "", "Kari Nordmann"}};
  JsonValue b = *BuildDocumentBundle(r, context);
  const JsonValue& d = *b.Find("entry")->items()[1].Find("resource");
  const std::string text = Decode(*d.Find("content")->items()[1].FindPath({"attachment"})->FindString("data"));
  BOOST_TEST(text.find("pårørende") != std::string::npos);
  BOOST_TEST(text.find("Kari") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_language_without_note_texts_is_refused, Fixture) {
  config::RecordDocumentConfig sami = document;
  sami.language = "se";
  auto refused = BuildDocumentBundle(Record(), DocumentContext{&texts, &sami, "https://ehr.example/fhir", 0});
  BOOST_TEST(!refused.ok());
}
