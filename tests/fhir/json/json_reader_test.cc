#include "fhir/json/json_reader.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "fhir/json/json_writer.h"

using selvhjelp::fhir::JsonValue;
using selvhjelp::fhir::ParseJson;
using selvhjelp::fhir::ParseJsonStreamingArray;
using selvhjelp::fhir::WriteJson;

BOOST_AUTO_TEST_SUITE(json_reader)

BOOST_AUTO_TEST_CASE(parses_objects_and_keeps_lines) {
  auto parsed = ParseJson("{\n  \"a\": 1,\n  \"b\": [true, null, \"x\"]\n}");
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->Find("a")->line() == 2);
  BOOST_TEST(parsed->Find("b")->line() == 3);
  BOOST_TEST(*parsed->FindInt("a") == 1);
  BOOST_TEST(parsed->Find("b")->items().size() == 3u);
  BOOST_TEST(!parsed->FindString("a").has_value());  // wrong type reads as absent
}

BOOST_AUTO_TEST_CASE(decimals_round_trip_unchanged) {
  auto parsed = ParseJson(R"({"value":1.50,"big":12345678901234567890})");
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(WriteJson(*parsed) == R"({"value":1.50,"big":12345678901234567890})");
  BOOST_TEST(!parsed->FindInt("big").has_value());  // out of int64 range
}

BOOST_AUTO_TEST_CASE(reports_line_and_column_of_errors) {
  auto parsed = ParseJson("{\n \"a\": 1,\n \"b\": }");
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.status().message().find("line 3") == 0u);
}

BOOST_AUTO_TEST_CASE(rejects_trailing_content_and_deep_nesting) {
  BOOST_TEST(!ParseJson("{} {}").ok());
  BOOST_TEST(!ParseJson(std::string(200, '[') + std::string(200, ']')).ok());
  BOOST_TEST(ParseJson(std::string(10, '[') + std::string(10, ']')).ok());
}

BOOST_AUTO_TEST_CASE(rejects_invalid_utf8) {
  BOOST_TEST(!ParseJson("\"\xff\xfe\"").ok());
  BOOST_TEST(ParseJson("\"bl\xc3\xa5\"").ok());  // "blå"
}

BOOST_AUTO_TEST_CASE(rejects_half_a_surrogate_pair_and_keeps_whole_pairs) {
  // Found by the json_reader fuzzer: "[8\udD600n1,r" read as a string that did not read back.
  auto lone_low = ParseJson(R"("[8\udD600n1,r")");
  BOOST_REQUIRE(!lone_low.ok());
  BOOST_TEST(lone_low.status().message() == "line 1, column 16: a \\u escape that is half a surrogate pair");
  BOOST_TEST(!ParseJson(R"({"\uDC00": 1})").ok());
  BOOST_TEST(!ParseJson(R"("\uD800x")").ok());  // a high one alone: RapidJSON refuses it itself
  auto pair = ParseJson(R"("\uD83D\uDE00")");   // U+1F600, written as two escapes
  BOOST_REQUIRE(pair.ok());
  BOOST_TEST(*pair->AsString() == "\xF0\x9F\x98\x80");
  BOOST_TEST((ParseJson(WriteJson(*pair)).value() == *pair));
}

BOOST_AUTO_TEST_CASE(rejects_a_nul_character_in_a_string_or_a_key_at_its_line) {
  // A source's "\u0000" in a group name reached the record store, where PostgreSQL refused the
  // whole batch of records it was committed with.
  auto in_value = ParseJson("{\n  \"name\": \"AA \\u0000 Sentrum\"\n}");
  BOOST_REQUIRE(!in_value.ok());
  BOOST_TEST(in_value.status().message() == "line 2, column 30: a \\u0000 escape (a NUL character) in a string");
  auto in_key = ParseJson(R"({"a\u0000b": 1})");
  BOOST_REQUIRE(!in_key.ok());
  BOOST_TEST(in_key.status().message().find("NUL character") != std::string::npos);
  BOOST_TEST(!ParseJsonStreamingArray(R"({"groups": [{"name": "\u0000"}]})", "groups",
                                      [](JsonValue) { return true; }).ok());
  // Other control characters are text RapidJSON and the stores keep: unchanged.
  BOOST_TEST(*ParseJson(R"("a\u0001b\tc")")->AsString() == std::string("a\x01" "b\tc"));
}

BOOST_AUTO_TEST_CASE(writer_escapes_strings) {
  JsonValue v = JsonValue::Object();
  v.Set("s", "a\"b\n");
  BOOST_TEST(WriteJson(v) == R"({"s":"a\"b\n"})");
}

BOOST_AUTO_TEST_SUITE_END()
