// A session as a shared store keeps it: under the id's hash, sealed with the id's hash as
// associated data, so a row moved to another id, changed, or read with another key is refused.
#include "plugin/app/sealed_session.h"

#include <boost/test/unit_test.hpp>

#include "plugin/auth/sha256.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;

namespace {
const std::string kKey(32, '\x2a');

AppSession Session(const std::string& id) {
  AppSession s;
  s.id = id;
  s.csrf = "csrf-" + id;
  s.created = 1'800'000'000;
  s.last_used = 1'800'000'100;
  s.context.iss = "https://ehr.example/fhir";
  s.context.access_token = "eyJ.secret-access-token.sig";
  s.context.expires_at = 1'800'003'600;
  s.context.patient = "pat-1";
  s.context.fhir_user = "Practitioner/prac-1";
  s.context.hpr_number = "9144889";
  s.context.app_context = "{\"card\":\"c1\"}";
  s.context.locale = "nn-NO";
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_sealed_session_opens_for_its_own_id_and_holds_nothing_in_clear) {
  const AppSession s = Session("cookie-value-1");
  BOOST_TEST(SessionIdHash(s.id) == Sha256Hex("cookie-value-1"));
  BOOST_TEST(SessionIdHash(s.id).find("cookie") == std::string::npos);
  auto sealed = SealSession(s, kKey);
  BOOST_REQUIRE(sealed.ok());
  for (const char* secret : {"secret-access-token", "pat-1", "csrf-", "cookie-value", "9144889", "Practitioner"}) {
    BOOST_TEST(sealed->find(secret) == std::string::npos, secret);
  }
  auto opened = OpenSealedSession(*sealed, s.id, kKey);
  BOOST_REQUIRE(opened.ok());
  BOOST_TEST(opened->id == s.id);
  BOOST_TEST(opened->csrf == s.csrf);
  BOOST_TEST(opened->created == s.created);
  BOOST_TEST(opened->context.access_token == s.context.access_token);
  BOOST_TEST(opened->context.expires_at == s.context.expires_at);
  BOOST_TEST(opened->context.patient == "pat-1");
  BOOST_TEST(opened->context.app_context == s.context.app_context);
  BOOST_TEST(opened->context.locale == "nn-NO");
}

BOOST_AUTO_TEST_CASE(a_sealed_session_is_refused_for_another_id_another_key_or_changed) {
  const AppSession mine = Session("cookie-value-1");
  const AppSession other = Session("cookie-value-2");
  const std::string sealed = SealSession(mine, kKey).value();
  const int denied = static_cast<int>(StatusCode::kPermissionDenied);
  auto code = [](const Result<AppSession>& r) { return static_cast<int>(r.status().code()); };
  // Another session's row given this one's sealed value (the id's hash is the associated data).
  BOOST_TEST(code(OpenSealedSession(sealed, other.id, kKey)) == denied);
  BOOST_TEST(code(OpenSealedSession(SealSession(other, kKey).value(), mine.id, kKey)) == denied);
  BOOST_TEST(code(OpenSealedSession(sealed, mine.id, std::string(32, '\x2b'))) == denied);  // a rotated key
  std::string changed = sealed;
  changed[changed.size() / 2] = changed[changed.size() / 2] == 'A' ? 'B' : 'A';
  BOOST_TEST(code(OpenSealedSession(changed, mine.id, kKey)) == denied);
  BOOST_TEST(code(OpenSealedSession("not base64url!", mine.id, kKey)) == denied);
  BOOST_TEST(code(OpenSealedSession("", mine.id, kKey)) == denied);
}
