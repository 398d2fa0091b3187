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
