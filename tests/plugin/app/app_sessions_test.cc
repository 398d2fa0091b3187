// The app's server-side sessions: expiry, CSRF, bounds, renewal at most once a minute, a store
// that cannot be reached, and the cookie.
#include "plugin/app/app_sessions.h"

#include <boost/test/unit_test.hpp>

using namespace selvhjelp;
using namespace selvhjelp::plugin;

namespace {
struct Fixture {
  int64_t now = 1'800'000'000;
  int counter = 0;
  std::unique_ptr<SessionBackend> backend = MakeMemorySessionBackend();
  AppSessions sessions{AppSessionSettings{1800, 36000, 3}, *backend, [this] { return now; },
                       [this](size_t n) { return std::string(n, static_cast<char>(++counter)); }};
  size_t Kept() { return backend->Count().value(); }
  LaunchContext Context() {
    LaunchContext c;
    c.patient = "pat-1";
    c.expires_at = now + 3600;
    return c;
  }
};
}  // namespace

BOOST_FIXTURE_TEST_CASE(a_session_is_found_by_its_id_and_ends_when_the_token_does, Fixture) {
  auto session = sessions.Create(Context()).value();
  BOOST_TEST(session->id.size() == 43u);  // 256 bits, base64url
  BOOST_TEST(session->csrf != session->id);
  BOOST_REQUIRE(sessions.Find(session->id).ok());
  BOOST_TEST((*sessions.Find(session->id))->context.patient == "pat-1");
  now += 3600;  // the EHR's token has expired
  BOOST_TEST(static_cast<int>(sessions.Find(session->id).status().code()) == static_cast<int>(StatusCode::kUnauthenticated));
  BOOST_TEST(Kept() == 0u);
}

BOOST_FIXTURE_TEST_CASE(an_idle_session_ends_and_use_keeps_it_alive, Fixture) {
  auto session = sessions.Create(Context()).value();
  now += 1700;
  BOOST_REQUIRE(sessions.Find(session->id).ok());  // used: the idle timer starts again
  now += 1700;
  BOOST_REQUIRE(sessions.Find(session->id).ok());
  now += 1801;
  BOOST_TEST(!sessions.Find(session->id).ok());
}

BOOST_FIXTURE_TEST_CASE(a_change_needs_the_sessions_own_csrf_token, Fixture) {
  auto mine = sessions.Create(Context()).value();
  auto other = sessions.Create(Context()).value();
  BOOST_TEST(sessions.FindForChange(mine->id, mine->csrf).ok());
  BOOST_TEST(static_cast<int>(sessions.FindForChange(mine->id, "").status().code()) ==
             static_cast<int>(StatusCode::kPermissionDenied));
  BOOST_TEST(!sessions.FindForChange(mine->id, other->csrf).ok());  // another session's token
  BOOST_TEST(!sessions.FindForChange("not-a-session", mine->csrf).ok());
  BOOST_REQUIRE(sessions.End(mine->id).ok());
  BOOST_TEST(!sessions.Find(mine->id).ok());
}

BOOST_FIXTURE_TEST_CASE(the_number_of_sessions_is_bounded, Fixture) {
  auto first = sessions.Create(Context()).value();
  now += 1;
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE(sessions.Create(Context()).ok());
  BOOST_TEST(Kept() == 3u);
  BOOST_TEST(!sessions.Find(first->id).ok());  // the least recently used went first
}

namespace {
// A backend that counts its renewals and can be made to fail, as a store that went away.
class FlakyBackend : public SessionBackend {
 public:
  Status Add(const AppSession& s, const AppSessionSettings& settings, int64_t now) override {
    return down ? Down() : memory->Add(s, settings, now);
  }
  Result<std::optional<AppSession>> Get(std::string_view id) override {
    if (down) return Down();
    return memory->Get(id);
  }
  Status Touch(std::string_view id, int64_t now) override {
    ++touches;
    return down ? Down() : memory->Touch(id, now);
  }
  Status Remove(std::string_view id) override { return down ? Down() : memory->Remove(id); }
  Result<size_t> Count() override { return memory->Count(); }
  static Status Down() { return UnavailableError("store: cannot read an app session: unreachable"); }
  std::unique_ptr<SessionBackend> memory = MakeMemorySessionBackend();
  bool down = false;
  int touches = 0;
};
}  // namespace

BOOST_FIXTURE_TEST_CASE(use_renews_the_idle_timer_at_most_once_a_minute, Fixture) {
  FlakyBackend store;
  AppSessions shared{AppSessionSettings{1800, 36000, 3, 60}, store, [this] { return now; },
                     [this](size_t n) { return std::string(n, static_cast<char>(++counter)); }};
  auto session = shared.Create(Context()).value();
  for (int i = 0; i < 10; ++i, now += 5) BOOST_REQUIRE(shared.Find(session->id).ok());  // 50 s of requests
  BOOST_TEST(store.touches == 0);
  now += 10;
  BOOST_REQUIRE(shared.Find(session->id).ok());  // 60 s since the last renewal
  BOOST_TEST(store.touches == 1);
  BOOST_TEST((*shared.Find(session->id))->last_used == now);
  BOOST_TEST(store.touches == 1);
}

BOOST_FIXTURE_TEST_CASE(a_store_that_cannot_be_reached_is_unavailable_never_another_answer, Fixture) {
  FlakyBackend store;
  AppSessions shared{AppSessionSettings{1800, 36000, 3}, store, [this] { return now; },
                     [this](size_t n) { return std::string(n, static_cast<char>(++counter)); }};
  auto session = shared.Create(Context()).value();
  store.down = true;
  auto code = [](const auto& r) { return static_cast<int>(r.status().code()); };
  const int unavailable = static_cast<int>(StatusCode::kUnavailable);
  BOOST_TEST(code(shared.Find(session->id)) == unavailable);
  BOOST_TEST(code(shared.FindForChange(session->id, session->csrf)) == unavailable);
  BOOST_TEST(code(shared.Create(Context())) == unavailable);
  BOOST_TEST(static_cast<int>(shared.End(session->id).code()) == unavailable);
  now += 120;  // due for renewal: a renewal that fails is no answer either
  store.down = false;
  BOOST_REQUIRE(shared.Find(session->id).ok());
}

BOOST_AUTO_TEST_CASE(the_cookie_is_httponly_samesite_and_secure_over_tls) {
  BOOST_TEST(SessionCookie("abc", true, 600) == "selvhjelp_session=abc; Path=/app/; HttpOnly; SameSite=Lax; Max-Age=600; Secure");
  BOOST_TEST(SessionCookie("", false, 0) == "selvhjelp_session=; Path=/app/; HttpOnly; SameSite=Lax; Max-Age=0");
  BOOST_TEST(SessionIdFromCookies("theme=dark; selvhjelp_session=abc; other=1") == "abc");
  BOOST_TEST(SessionIdFromCookies("selvhjelp_sessionx=abc") == "");
  BOOST_TEST(SessionIdFromCookies("") == "");
}
