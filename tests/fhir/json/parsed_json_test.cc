#include "fhir/json/parsed_json.h"

#include <malloc.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>
// GCC says ASan with __SANITIZE_ADDRESS__, clang with __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define SELVHJELP_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SELVHJELP_TEST_ASAN 1
#endif
#endif
#if defined(SELVHJELP_TEST_ASAN)
#include <sanitizer/allocator_interface.h>
#endif

#include "fhir/json/json_reader.h"

using selvhjelp::fhir::JsonMember;
using selvhjelp::fhir::JsonRef;
using selvhjelp::fhir::JsonValue;
using selvhjelp::fhir::kMaxJsonDepth;
using selvhjelp::fhir::ParsedJson;
using selvhjelp::fhir::ParseJson;

namespace {

// Reads `ref` back as JSON text through JsonRef's accessors only (`shape`, the same text parsed
// into a JsonValue, gives the numbers' text).
std::string Echo(JsonRef ref, const JsonValue& shape) {
  switch (ref.type()) {
    case JsonValue::Type::kNull: return "null";
    case JsonValue::Type::kBool: return *ref.AsBool() ? "true" : "false";
    case JsonValue::Type::kNumber: return shape.scalar_text();
    case JsonValue::Type::kString: return "\"" + std::string(*ref.AsString()) + "\"";
    case JsonValue::Type::kArray: {
      std::string out = "[";
      size_t i = 0;
      for (JsonRef item : ref.items()) {
        out += (i ? "," : "") + Echo(item, shape.items()[i]);
        ++i;
      }
      return out + "]";
    }
    case JsonValue::Type::kObject: {
      std::string out = "{";
      static const JsonValue kNoShape;  // for a member the tree does not have: the texts then differ
      size_t i = 0;
      for (const JsonMember& member : ref.members()) {
        const JsonValue& member_shape = i < shape.members().size() ? shape.members()[i].second : kNoShape;
        out += (i ? ",\"" : "\"") + std::string(member.key) + "\":" + Echo(member.value, member_shape);
        ++i;
      }
      return out + "}";
    }
  }
  return {};
}

// Both ways of reading `text` give the same values: the in-place parse, and a JsonValue tree
// read through a JsonRef.
void ExpectSameAsTree(const std::string& text) {
  auto parsed = ParsedJson::Parse(text);
  auto tree = ParseJson(text);
  BOOST_REQUIRE(parsed.ok());
  BOOST_REQUIRE(tree.ok());
  BOOST_TEST(Echo((*parsed)->root(), *tree) == Echo(JsonRef(*tree), *tree));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parsed_json)

BOOST_AUTO_TEST_CASE(reads_what_a_json_value_tree_reads) {
  ExpectSameAsTree(R"({"a":1.50,"b":[true,false,null,"x",{"c":[]},[[]]],"d":{"e":{"f":"g"}},"h":""})");
  ExpectSameAsTree(R"(["\u00e6\u00f8\u00e5 \"q\" \\ \n", -0, 1e300, 12345678901234567890])");
  ExpectSameAsTree("  {\"spaces\" :\t[ 1 , 2 ]\r\n}  \n");
  ExpectSameAsTree("\"a string alone\"");
  ExpectSameAsTree(R"({"dup":1,"x":{},"dup":{"dup":[{"a":1,"a":2}]},"":"empty key"})");  // members in order, duplicates kept
}

BOOST_AUTO_TEST_CASE(strings_with_escapes_read_the_same_wherever_their_16_byte_blocks_fall) {
  // The string scan loads 16 bytes at a time and, after an escape, copies the rest of the string
  // down over the escape's text: runs of every length around a block, escapes between them.
  for (size_t a : {0u, 1u, 7u, 15u, 16u, 17u, 33u}) {
    for (size_t b : {0u, 1u, 14u, 15u, 16u, 31u, 48u}) {
      const std::string text = "[\"" + std::string(a, 'a') + "\\n" + std::string(b, 'b') + "\\u00e6\\\"" +
                               std::string(a + b, 'c') + "\\\\\", \"" + std::string(b, 'd') + "\"]";
      BOOST_TEST_CONTEXT("runs of " << a << " and " << b) { ExpectSameAsTree(text); }
    }
  }
}

BOOST_AUTO_TEST_CASE(checked_reads_never_fail_on_absent_or_other_types) {
  auto parsed = ParsedJson::Parse(R"({"s":"x","n":60.39,"t":true,"o":{"k":"v"},"a":["p","q"],"z":null})");
  BOOST_REQUIRE(parsed.ok());
  const JsonRef root = (*parsed)->root();
  BOOST_TEST(*root.FindString("s") == "x");
  BOOST_TEST(*root.Find("n").AsDouble() == 60.39);
  BOOST_TEST(!root.FindString("n").has_value());  // a number is not a string
  BOOST_TEST(!root.Find("s").AsDouble().has_value());
  BOOST_TEST(*root.FindBool("t"));
  BOOST_TEST(*root.FindPath({"o", "k"}).AsString() == "v");
  BOOST_TEST(!root.FindPath({"o", "missing", "k"}).present());
  BOOST_TEST(!root.Find("a").Find("k").present());  // Find on an array
  BOOST_TEST(root.Find("a").items().size() == 2u);
  BOOST_TEST(root.Find("o").items().empty());  // items of an object
  BOOST_TEST(root.members().size() == 6u);
  BOOST_TEST((*root.Find("o").members().begin()).key == "k");
  BOOST_TEST(root.Find("a").members().size() == 0u);  // members of an array
  BOOST_TEST(JsonRef().members().size() == 0u);
  BOOST_TEST(root.Find("z").present());
  BOOST_TEST(root.Find("z").is_null());
  BOOST_TEST(!root.Find("missing").present());
  BOOST_TEST(!JsonRef().Find("x").present());
  BOOST_TEST(JsonRef().items().empty());
}

BOOST_AUTO_TEST_CASE(numbers_read_as_a_json_value_reads_them) {
  auto parsed = ParsedJson::Parse(R"([1e-400, -12.5e1, 123456789012345678901234567890])");
  auto tree = ParseJson(R"([1e-400, -12.5e1, 123456789012345678901234567890])");
  BOOST_REQUIRE(parsed.ok());
  std::vector<JsonRef> numbers;
  for (JsonRef n : (*parsed)->root().items()) numbers.push_back(n);
  BOOST_REQUIRE(numbers.size() == 3u);
  for (size_t i = 0; i < 3; ++i) BOOST_TEST((numbers[i].AsDouble() == tree->items()[i].AsDouble()));
  BOOST_TEST(*numbers[1].AsDouble() == -125.0);
}

// Malformed input fails with ParseJson's message, line and column included.
BOOST_AUTO_TEST_CASE(errors_are_parse_jsons) {
  const std::vector<std::string> bad = {
      "",
      "{\n \"a\": 1,\n \"b\": }",
      "{} {}",
      "{}\n\n  x",
      std::string("{}\0", 3),
      std::string("{\"a\":\"b\0c\"}", 11),
      "{\"a\":\"\xff\"}",
      "{\"a\":\"\xed\xa0\x80\"}",  // an encoded surrogate
      "{\"a\":\"\xc0\xaf\"}",      // an overlong form
      "\xef\xbb\xbf{}",            // a byte-order mark
      R"({"a":"\udc00"})",         // a lone low surrogate escape
      R"({"\udc00":1})",
      R"(["\ud800"])",
      R"({"a":"b\u0000c"})",       // a NUL escape: no FHIR string or store holds one
      R"({"\u0000":1})",
      "[1,]",
      "{\"a\" 1}",
      "[01]",
      "[1e400]",  // RapidJSON checks the exponent even when it keeps numbers as text
      "nul",
      std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']'),
      std::string(100000, '['),
  };
  for (const std::string& text : bad) {
    auto parsed = ParsedJson::Parse(text);
    auto tree = ParseJson(text);
    BOOST_REQUIRE(!tree.ok());
    BOOST_REQUIRE(!parsed.ok());
    BOOST_TEST(parsed.status().message() == tree.status().message());
  }
  BOOST_TEST(ParsedJson::Parse("{\n \"a\": 1,\n \"b\": }").status().message() ==
             "line 3, column 7: Invalid value.");
  // A string left open: the scan reaches the end of the text and loads 16 bytes from there (the
  // buffer's padding; ascending lengths, so each new size is a fresh allocation the sanitizer
  // build checks), also after an escape and inside one.
  for (size_t n = 0; n <= 40; ++n) {
    for (const char* ending : {"", "\\", "\\u00", "\\n"}) {
      const std::string text = "\"" + std::string(n, 'x') + ending;
      auto parsed = ParsedJson::Parse(text);
      auto tree = ParseJson(text);
      BOOST_REQUIRE(!tree.ok());
      BOOST_REQUIRE_MESSAGE(!parsed.ok(), n << " bytes, then " << ending);
      BOOST_TEST(parsed.status().message() == tree.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_raw_control_character_is_refused_in_short_and_long_strings_as_parse_json_refuses_it) {
  // RapidJSON's own SIMD string scan let 0x1A-0x1F through; every control byte must be refused
  // alike, wherever it falls in a 16-byte block.
  for (int c = 0x01; c < 0x20; ++c) {
    if (c == '\t' || c == '\n' || c == '\r') continue;  // whitespace: refused inside strings too, checked below
    for (size_t before : {0u, 3u, 15u, 16u, 40u}) {
      for (const char* escape : {"", "\\n"}) {  // after an escape, the scan copies as it goes
        const std::string text = "{\"a\":\"" + std::string(escape) + std::string(before, 'x') + static_cast<char>(c) + "yz\"}";
        auto parsed = ParsedJson::Parse(text);
        auto tree = ParseJson(text);
        BOOST_REQUIRE(!tree.ok());
        BOOST_REQUIRE_MESSAGE(!parsed.ok(), "byte " << c << " after " << escape << " and " << before);
        BOOST_TEST(parsed.status().message() == tree.status().message());
      }
    }
  }
  for (const char* ws : {"\t", "\n", "\r"}) {
    const std::string text = std::string("{\"a\":\"") + std::string(20, 'x') + ws + "\"}";
    BOOST_TEST(!ParsedJson::Parse(text).ok());
    BOOST_TEST(!ParseJson(text).ok());
  }
  BOOST_TEST(ParsedJson::Parse(std::string("[\"") + std::string(40, 'x') + "\"]").ok());
}

BOOST_AUTO_TEST_CASE(accepts_what_parse_json_accepts_at_the_edges) {
  BOOST_TEST(ParsedJson::Parse(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']')).ok());
  BOOST_TEST(ParsedJson::Parse("\"\xf4\x8f\xbf\xbf \xe2\x82\xac \xc3\xa6\"").ok());  // U+10FFFF, euro, æ
  BOOST_TEST(ParsedJson::Parse(R"(["\ud83d\ude00"])").ok());  // a surrogate pair
}

// A released document's buffers serve the next parse; earlier documents stay intact.
BOOST_AUTO_TEST_CASE(documents_are_independent_and_reused) {
  auto first = ParsedJson::Parse(R"({"id":"first"})");
  auto second = ParsedJson::Parse(R"({"id":"second","more":[1,2,3]})");
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(*(*first)->root().FindString("id") == "first");
  BOOST_TEST(*(*second)->root().FindString("id") == "second");
  const ParsedJson* released = first->get();
  *first = nullptr;
  auto third = ParsedJson::Parse(R"({"id":"third"})");
  BOOST_REQUIRE(third.ok());
  BOOST_TEST(third->get() == released);
  BOOST_TEST(*(*third)->root().FindString("id") == "third");
  BOOST_TEST(*(*second)->root().FindString("id") == "second");
}

namespace {
// Bytes the allocator has handed out and not had back (ASan's allocator replaces glibc's).
size_t AllocatedBytes() {
#if defined(SELVHJELP_TEST_ASAN)
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;  // a 200 KB buffer is mmapped: hblkhd
#endif
}
}  // namespace

// A hook that waited for a FHIR read releases its document on the FHIR client's pool thread:
// that thread never parses, so it keeps nothing (a spare there would pin ~200 KB per thread).
BOOST_AUTO_TEST_CASE(a_document_released_on_another_thread_is_freed) {
  auto parsed = ParsedJson::Parse(R"({"text":")" + std::string(200 << 10, 'x') + R"("})");
  BOOST_REQUIRE(parsed.ok());
  std::shared_ptr<const ParsedJson> document = std::move(parsed).value();
  size_t before = 0, after = 0;
  std::thread other([&] {
    before = AllocatedBytes();
    document.reset();  // the last reference, on a thread that did not parse it
    after = AllocatedBytes();
  });
  other.join();
  BOOST_TEST(before >= after + (128u << 10), "freed " << (before >= after ? before - after : 0) << " bytes");
}

BOOST_AUTO_TEST_SUITE_END()
