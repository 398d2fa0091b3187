// The app's server-side sessions: expiry, CSRF, bounds, and the cookie.
#include "plugin/app/app_sessions.h"

#include <boost/test/unit_test.hpp>

using namespace selvhjelp;
using namespace selvhjelp::plugin;

namespace {
struct Fixture {
  int64_t now = 1'800'000'000;
  int counter = 0;
  AppSessions sessions{AppSessionSettings{1800, 36000, 3}, [this] { return now; },
                       [this](size_t n) { return std::string(n, static_cast<char>(++counter)); }};
  LaunchContext Context() {
    LaunchContext c;
    c.patient = "pat-1";
    c.expires_at = now + 3600;
    return c;
  }
};
}  // namespace

BOOST_FIXTURE_TEST_CASE(a_session_is_found_by_its_id_and_ends_when_the_token_does, Fixture) {
  auto session = sessions.Create(Context());
  BOOST_TEST(session->id.size() == 43u);  // 256 bits, base64url
  BOOST_TEST(session->csrf != session->id);
  BOOST_REQUIRE(sessions.Find(session->id).ok());
  BOOST_TEST((*sessions.Find(session->id))->context.patient == "pat-1");
  now += 3600;  // the EHR's token has expired
  BOOST_TEST(static_cast<int>(sessions.Find(session->id).status().code()) == static_cast<int>(StatusCode::kUnauthenticated));
  BOOST_TEST(sessions.size() == 0u);
}

BOOST_FIXTURE_TEST_CASE(an_idle_session_ends_and_use_keeps_it_alive, Fixture) {
  auto session = sessions.Create(Context());
  now += 1700;
  BOOST_REQUIRE(sessions.Find(session->id).ok());  // used: the idle timer starts again
  now += 1700;
  BOOST_REQUIRE(sessions.Find(session->id).ok());
  now += 1801;
  BOOST_TEST(!sessions.Find(session->id).ok());
}

BOOST_FIXTURE_TEST_CASE(a_change_needs_the_sessions_own_csrf_token, Fixture) {
  auto mine = sessions.Create(Context());
  auto other = sessions.Create(Context());
  BOOST_TEST(sessions.FindForChange(mine->id, mine->csrf).ok());
  BOOST_TEST(static_cast<int>(sessions.FindForChange(mine->id, "").status().code()) ==
             static_cast<int>(StatusCode::kPermissionDenied));
  BOOST_TEST(!sessions.FindForChange(mine->id, other->csrf).ok());  // another session's token
  BOOST_TEST(!sessions.FindForChange("not-a-session", mine->csrf).ok());
  sessions.End(mine->id);
  BOOST_TEST(!sessions.Find(mine->id).ok());
}

BOOST_FIXTURE_TEST_CASE(the_number_of_sessions_is_bounded, Fixture) {
  auto first = sessions.Create(Context());
  now += 1;
  for (int i = 0; i < 3; ++i) sessions.Create(Context());
  BOOST_TEST(sessions.size() == 3u);
  BOOST_TEST(!sessions.Find(first->id).ok());  // the least recently used went first
}

BOOST_AUTO_TEST_CASE(the_cookie_is_httponly_samesite_and_secure_over_tls) {
  BOOST_TEST(SessionCookie("abc", true, 600) == "selvhjelp_session=abc; Path=/app/; HttpOnly; SameSite=Lax; Max-Age=600; Secure");
  BOOST_TEST(SessionCookie("", false, 0) == "selvhjelp_session=; Path=/app/; HttpOnly; SameSite=Lax; Max-Age=0");
  BOOST_TEST(SessionIdFromCookies("theme=dark; selvhjelp_session=abc; other=1") == "abc");
  BOOST_TEST(SessionIdFromCookies("selvhjelp_sessionx=abc") == "");
  BOOST_TEST(SessionIdFromCookies("") == "");
}
