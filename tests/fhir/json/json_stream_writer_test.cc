#include "fhir/json/json_stream_writer.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"

using selvhjelp::fhir::JsonStreamWriter;

BOOST_AUTO_TEST_SUITE(json_stream_writer)

BOOST_AUTO_TEST_CASE(writes_nesting_commas_and_every_kind_of_value) {
  JsonStreamWriter w;
  w.StartObject();
  w.Member("a", "x");
  w.Key("list");
  w.StartArray();
  w.Int(-12);
  w.Raw("1.50");
  w.Bool(true);
  w.Null();
  w.StartObject();
  w.EndObject();
  w.StartArray();
  w.EndArray();
  w.EndArray();
  w.Key(std::string_view("escaped \"key\""));
  w.String("");
  w.EndObject();
  BOOST_TEST(w.Take() == R"({"a":"x","list":[-12,1.50,true,null,{},[]],"escaped \"key\"":""})");
  w.StartArray();  // empty again after Take
  w.EndArray();
  BOOST_TEST(w.Take() == "[]");
}

// RapidJSON's escapes: ", \ and control characters; \b \t \n \f \r by name, the rest as \u00XX
// in capitals; '/', DEL and UTF-8 as they are. Long strings take the 16-byte scan.
BOOST_AUTO_TEST_CASE(escapes_as_rapidjson_does) {
  const std::string nasty = std::string("q\"b\\s/\b\t\n\f\r\x01\x1f\x7f") + "æøå €" + std::string(1, '\0');
  const std::string expected = R"(q\"b\\s/\b\t\n\f\r\u0001\u001F)" "\x7f" "æøå €" R"(\u0000)";
  for (const std::string& padding : {std::string(), std::string(40, 'p'), std::string(100, 'p')}) {
    JsonStreamWriter w;
    w.String(padding + nasty + padding);
    BOOST_TEST(w.Take() == "\"" + padding + expected + padding + "\"");
  }
  JsonStreamWriter w;
  w.String(std::string(70, 'l'));  // past the one-append length
  BOOST_TEST(w.Take() == "\"" + std::string(70, 'l') + "\"");
}

BOOST_AUTO_TEST_CASE(what_it_writes_reads_back) {
  auto tree = selvhjelp::fhir::ParseJson(R"({"s":"a\"\\\n\u0001","n":[1e5,-0.5],"o":{"k":null,"t":false}})");
  BOOST_REQUIRE(tree.ok());
  auto again = selvhjelp::fhir::ParseJson(selvhjelp::fhir::WriteJson(*tree));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST((*again == *tree));
}

// A string written in pieces, escaped ones among them, is the string written whole.
BOOST_AUTO_TEST_CASE(a_string_in_escaped_pieces_is_the_string_written_whole) {
  const std::string a = "plain ", b = std::string("q\"b\\\n\x01 æøå ") + std::string(40, 'p'), c = "\tend";
  JsonStreamWriter whole;
  whole.StartArray();
  whole.String(a + b + c);
  whole.String(b);
  whole.EndArray();
  JsonStreamWriter pieces;
  pieces.StartArray();
  pieces.StartString();
  pieces.StringPiece(a);
  pieces.EscapedPiece(selvhjelp::fhir::JsonEscape(b));
  pieces.StringPiece(c);
  pieces.EndString();
  pieces.StartString();
  pieces.EscapedPiece(selvhjelp::fhir::JsonEscape(b));
  pieces.EndString();
  pieces.EndArray();
  BOOST_TEST(pieces.Take() == whole.Take());
}

BOOST_AUTO_TEST_SUITE_END()
