// FHIR base64Binary: RFC 4648's test vectors, and bytes above 0x7f.
#include "fhir/r4/base64_binary.h"

#include <boost/test/unit_test.hpp>

using selvhjelp::fhir::Base64Encode;

BOOST_AUTO_TEST_CASE(base64_matches_rfc_4648_test_vectors) {
  BOOST_TEST(Base64Encode("") == "");
  BOOST_TEST(Base64Encode("f") == "Zg==");
  BOOST_TEST(Base64Encode("fo") == "Zm8=");
  BOOST_TEST(Base64Encode("foo") == "Zm9v");
  BOOST_TEST(Base64Encode("foob") == "Zm9vYg==");
  BOOST_TEST(Base64Encode("fooba") == "Zm9vYmE=");
  BOOST_TEST(Base64Encode("foobar") == "Zm9vYmFy");
}

BOOST_AUTO_TEST_CASE(base64_uses_the_standard_alphabet_for_high_bytes) {
  BOOST_TEST(Base64Encode(std::string("\xfb\xff\xbf", 3)) == "+/+/");
  BOOST_TEST(Base64Encode("%PDF-") == "JVBERi0=");
}

BOOST_AUTO_TEST_CASE(base64_decodes_its_own_form_and_nothing_else) {
  using selvhjelp::fhir::Base64Decode;
  for (const char* s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xfb\xff\xbf"}) {
    BOOST_TEST(Base64Decode(Base64Encode(s)).value_or("?") == s);
  }
  BOOST_TEST(!Base64Decode("Zg=").has_value());      // not a multiple of 4
  BOOST_TEST(!Base64Decode("Zg=a").has_value());     // padding inside
  BOOST_TEST(!Base64Decode("Z===").has_value());
  BOOST_TEST(!Base64Decode("Zm9v\n").has_value());   // whitespace
  BOOST_TEST(!Base64Decode("Zm9-").has_value());     // base64url's alphabet
  BOOST_TEST(!Base64Decode("Zh==").has_value());     // bits after the last byte
}
