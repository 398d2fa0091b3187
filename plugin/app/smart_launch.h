#pragma once
// SmartLaunch: the clinician app's side of SMART App Launch 2.2 (EHR launch and standalone
// launch), as a confidential backend-for-frontend: the EHR's tokens stay on our server.
//
//   Begin(iss, launch)   discovery from <iss>/.well-known/smart-configuration, a fresh `state`,
//                        `nonce` and PKCE verifier (S256); returns the authorize URL to redirect to.
//   Complete(state, code) takes the pending launch for `state` (once: a replayed or unknown state
//                        is refused), exchanges the code with the verifier, verifies the id_token
//                        (signature by the issuer's JWKS, iss, aud, exp, nonce) and returns the
//                        launch context: the token, patient, encounter, fhirUser, and the extra
//                        claims Norwegian EHRs send (DIPS: hpr-nummer, role, department), a card
//                        link's appContext and the user's locale. Without an HPR claim, the HPR
//                        number is read from the fhirUser Practitioner (practitioner_hpr.h).
// Transport-free: HTTP goes through HttpSend, time through the clock, randomness through
// `random_bytes`, so it is unit-tested without a network. Thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"
#include "plugin/net/http_call.h"

namespace selvhjelp::plugin {

struct SmartAppSettings {
  std::string client_id;
  std::string redirect_uri;  // our callback, registered with the EHR
  // Scopes asked for; v1 (patient/*.read) and v2 (patient/Patient.rs) syntax are both passed as
  // written. EHR launch adds `launch`; standalone launch adds `launch/patient`.
  std::string scope = "openid fhirUser launch/patient patient/*.read";
  // EHRs allowed to launch us (their FHIR base URLs, `iss`). A launch from any other is refused:
  // otherwise anyone could make us send a user's browser, and our client id, to their server.
  std::vector<std::string> allowed_issuers;
  int64_t launch_ttl_seconds = 600;  // an authorize round trip must finish within this
  int64_t clock_skew_seconds = 60;
  // Claims (in the token response, the id_token, or the access token when it is a JWT, in that
  // order) naming the user's HPR number, unit and role. DIPS Arena sends "hpr-nummer" and
  // "dips-userroledepartment".
  std::string hpr_claim = "hpr-nummer";
  std::string unit_claim = "dips-userroledepartment";
  std::string role_claim = "dips-userrolename";
};

// What a completed launch gives the app. The tokens never leave the server.
struct LaunchContext {
  std::string iss;           // the EHR's FHIR base URL
  std::string access_token;  // for FHIR reads on the user's behalf
  int64_t expires_at = 0;    // seconds since the epoch
  std::string scope;         // as granted
  std::string patient;       // the patient's logical id in the EHR (launch context)
  std::string encounter;     // when the EHR gives one
  std::string fhir_user;     // e.g. "Practitioner/123"
  std::string user_sub;      // the id_token's subject
  std::string hpr_number;    // from the configured claim, else the fhirUser Practitioner's HPR identifier
  std::string unit;          // ditto
  std::string role;          // ditto
  std::string app_context;   // a CDS Hooks card link's `appContext` (SMART token response), when given
  // The user's language as the launch gives it: a `locale` in the token response (SMART 2.2
  // defines no such parameter, but lets an EHR send more launch context than asked for), else
  // the id_token's OpenID Connect `locale` claim. A BCP 47 tag such as "nn-NO"; empty when neither.
  std::string locale;
};

class SmartLaunch {
 public:
  using Clock = std::function<int64_t()>;                    // seconds since the epoch
  using RandomBytes = std::function<std::string(size_t n)>;  // n cryptographically random bytes
  SmartLaunch(SmartAppSettings settings, HttpSend send, Clock clock, RandomBytes random_bytes);

  // Starts a launch. `launch` is the EHR's launch token (EHR launch), or empty (standalone).
  // PermissionDenied when `iss` is not an allowed issuer; Unavailable when discovery fails;
  // FailedPrecondition when the EHR does not offer the authorization code flow with PKCE S256.
  // Returns the URL to redirect the browser to.
  Result<std::string> Begin(std::string_view iss, std::string_view launch);

  // Finishes a launch at our redirect URI. Unauthenticated (with a reason for the log only) for an
  // unknown, replayed or expired `state`, a refused code exchange, or an id_token that fails any
  // check; Unavailable when the EHR cannot be reached.
  Result<LaunchContext> Complete(std::string_view state, std::string_view code);

  // Pending launches (not yet completed or expired), for tests and /metrics.
  size_t pending() const;

 private:
  struct Endpoints {
    std::string authorize, token, issuer, jwks_uri;
  };
  struct Pending {
    std::string iss;
    Endpoints endpoints;
    std::string verifier, nonce;
    int64_t created = 0;
  };
  Result<Endpoints> Discover(const std::string& iss);
  Status VerifyIdToken(std::string_view id_token, const Pending& pending, std::string& sub);
  std::string RandomToken(size_t bytes) const;

  const SmartAppSettings settings_;
  const HttpSend send_;
  const Clock clock_;
  const RandomBytes random_bytes_;
  mutable std::mutex mutex_;
  std::map<std::string, Pending, std::less<>> pending_;  // by state
};

// base64url(SHA-256(verifier)): the PKCE S256 code challenge (RFC 7636 §4.2).
std::string PkceChallenge(std::string_view verifier);

}  // namespace selvhjelp::plugin
