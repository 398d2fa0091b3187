// UTF-8 well-formedness and the lossy repair the JSON log lines use.
#include "fhir/json/utf8.h"

#include <boost/test/unit_test.hpp>
#include <string>

using selvhjelp::fhir::IsUtf8;
using selvhjelp::fhir::ToUtf8Lossy;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";
}  // namespace

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(well_formed_text_is_kept_as_it_is) {
  for (const std::string text : {"", "/records/abc", "Grünerløkka", "\xE2\x82\xAC 20", "\xF0\x9F\x98\x80 long ASCII after it"}) {
    BOOST_TEST(IsUtf8(text));
    BOOST_TEST(ToUtf8Lossy(text) == text);
  }
}

BOOST_AUTO_TEST_CASE(ill_formed_bytes_are_refused) {
  for (const std::string text : {"/\xFF\xFE", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "abc\xE2\x82", "\x80"}) {
    BOOST_TEST(!IsUtf8(text), text);
  }
}

// Unicode 15 section 3.9, "U+FFFD substitution of maximal subparts": one U+FFFD per maximal
// ill-formed subpart (a truncated sequence is one), then reading resumes at the next byte.
BOOST_AUTO_TEST_CASE(each_maximal_ill_formed_subpart_becomes_one_replacement_character) {
  BOOST_TEST(ToUtf8Lossy("/\xFF\xFE") == "/" + kFffd + kFffd);
  BOOST_TEST(ToUtf8Lossy("a\xE2\x82" "b") == "a" + kFffd + "b");                  // truncated: one
  BOOST_TEST(ToUtf8Lossy("\xE0\x80\x80") == kFffd + kFffd + kFffd);               // overlong: each byte
  BOOST_TEST(ToUtf8Lossy("\xED\xA0\x80") == kFffd + kFffd + kFffd);               // a surrogate: each byte
  BOOST_TEST(ToUtf8Lossy("\xF0\x9F\x98") == kFffd);                               // truncated at the end
  BOOST_TEST(ToUtf8Lossy("ø\xC3") == "ø" + kFffd);
  BOOST_TEST(IsUtf8(ToUtf8Lossy("\x80\xBF\xC0\xC1\xF5\xFF long enough for the 8-byte path")));
}

// The ASCII runs are skipped 16 and 8 bytes at a time: a sequence is judged alike wherever it
// falls in a block, and at the end of the text.
BOOST_AUTO_TEST_CASE(sequences_are_judged_alike_at_every_offset) {
  const std::pair<std::string, bool> sequences[] = {{"\xC3\xA6", true},           {"\xE2\x82\xAC", true},
                                                    {"\xF0\x9F\x98\x80", true},  {"\xC3", false},
                                                    {"\xED\xA0\x80", false},     {"\xFF", false}};
  for (const auto& [sequence, valid] : sequences) {
    for (size_t before = 0; before < 40; ++before) {
      for (size_t after : {size_t{0}, size_t{3}, size_t{20}}) {
        const std::string text = std::string(before, 'a') + sequence + std::string(after, 'b');
        BOOST_TEST(IsUtf8(text) == valid, "offset " << before << " then " << after);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
