// AES-256-GCM: a round trip; anything changed, another key or other associated data refused.
#include "plugin/auth/aes_gcm.h"

#include <boost/test/unit_test.hpp>

using namespace selvhjelp;
using namespace selvhjelp::plugin;

namespace {
const std::string kKey(32, '\x07');
int Code(const Status& s) { return static_cast<int>(s.code()); }
std::string Opened(const Result<std::string>& r) { return r.ok() ? *r : "(refused)"; }
}  // namespace

BOOST_AUTO_TEST_CASE(a_sealed_value_opens_with_its_key_and_associated_data_only) {
  auto sealed = AesGcmSeal(kKey, "the EHR's access token", "id-hash-1");
  BOOST_REQUIRE(sealed.ok());
  BOOST_TEST(sealed->size() == 12 + 22 + 16u);  // nonce, ciphertext, tag
  BOOST_TEST(sealed->find("access token") == std::string::npos);
  BOOST_TEST(Opened(AesGcmOpen(kKey, *sealed, "id-hash-1")) == "the EHR's access token");
  const int denied = static_cast<int>(StatusCode::kPermissionDenied);
  BOOST_TEST(Code(AesGcmOpen(std::string(32, '\x08'), *sealed, "id-hash-1").status()) == denied);  // another key
  BOOST_TEST(Code(AesGcmOpen(kKey, *sealed, "id-hash-2").status()) == denied);  // another row's id
  BOOST_TEST(Code(AesGcmOpen(kKey, *sealed, "").status()) == denied);
  for (size_t i = 0; i < sealed->size(); ++i) {  // any bit of nonce, ciphertext or tag
    std::string changed = *sealed;
    changed[i] ^= 0x01;
    BOOST_TEST(Code(AesGcmOpen(kKey, changed, "id-hash-1").status()) == denied, "byte " << i);
  }
  BOOST_TEST(Code(AesGcmOpen(kKey, sealed->substr(0, sealed->size() - 1), "id-hash-1").status()) == denied);
  BOOST_TEST(Code(AesGcmOpen(kKey, "", "id-hash-1").status()) == denied);
}

BOOST_AUTO_TEST_CASE(each_seal_has_its_own_nonce_and_a_key_must_be_32_bytes) {
  auto a = AesGcmSeal(kKey, "same", "ad");
  auto b = AesGcmSeal(kKey, "same", "ad");
  BOOST_REQUIRE(a.ok() && b.ok());
  BOOST_TEST(*a != *b);
  BOOST_TEST(Opened(AesGcmOpen(kKey, *b, "ad")) == "same");
  BOOST_TEST(Opened(AesGcmOpen(kKey, *AesGcmSeal(kKey, "", "ad"), "ad")) == "");
  const int invalid = static_cast<int>(StatusCode::kInvalidArgument);
  BOOST_TEST(Code(AesGcmSeal(std::string(16, 'k'), "x", "ad").status()) == invalid);
  BOOST_TEST(Code(AesGcmOpen(std::string(31, 'k'), *a, "ad").status()) == invalid);
}
