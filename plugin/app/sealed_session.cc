#include "plugin/app/sealed_session.h"

#include "fhir/base/status_macros.h"
#include "fhir/json/json_reader.h"
#include "fhir/json/json_writer.h"
#include "plugin/auth/aes_gcm.h"
#include "plugin/auth/base64url.h"
#include "plugin/auth/sha256.h"

namespace selvhjelp::plugin {
namespace {

using fhir::JsonValue;

// The sealed launch context's fields, by name. The token's expiry and the session's creation are
// sealed too, so that changing the times the store keeps in clear cannot lengthen a session.
struct Field {
  const char* name;
  std::string LaunchContext::*member;
};
constexpr Field kFields[] = {
    {"iss", &LaunchContext::iss},           {"accessToken", &LaunchContext::access_token},
    {"scope", &LaunchContext::scope},       {"patient", &LaunchContext::patient},
    {"encounter", &LaunchContext::encounter}, {"fhirUser", &LaunchContext::fhir_user},
    {"userSub", &LaunchContext::user_sub},  {"hpr", &LaunchContext::hpr_number},
    {"unit", &LaunchContext::unit},         {"role", &LaunchContext::role},
    {"appContext", &LaunchContext::app_context}, {"locale", &LaunchContext::locale},
};

Status NotASession() { return PermissionDeniedError("app: a kept session does not open with this store.sessionKey"); }

}  // namespace

std::string SessionIdHash(std::string_view id) { return Sha256Hex(id); }

Result<std::string> SealSession(const AppSession& session, std::string_view key) {
  JsonValue payload = JsonValue::Object();
  payload.Set("csrf", session.csrf);
  payload.Set("created", JsonValue::Int(session.created));
  payload.Set("expiresAt", JsonValue::Int(session.context.expires_at));
  for (const Field& f : kFields) payload.Set(f.name, session.context.*f.member);
  SELVHJELP_ASSIGN_OR_RETURN(std::string sealed, AesGcmSeal(key, fhir::WriteJson(payload), SessionIdHash(session.id)));
  return Base64UrlEncode(sealed);
}

Result<AppSession> OpenSealedSession(std::string_view sealed, std::string_view id, std::string_view key) {
  std::optional<std::string> bytes = Base64UrlDecode(sealed);
  if (!bytes) return NotASession();
  Result<std::string> text = AesGcmOpen(key, *bytes, SessionIdHash(id));
  if (!text.ok()) return NotASession();
  Result<JsonValue> payload = fhir::ParseJson(*text);
  if (!payload.ok()) return NotASession();
  AppSession session;
  session.id = std::string(id);
  std::optional<std::string_view> csrf = payload->FindString("csrf");
  std::optional<int64_t> created = payload->FindInt("created");
  std::optional<int64_t> expires_at = payload->FindInt("expiresAt");
  if (!csrf || !created || !expires_at) return NotASession();
  session.csrf = std::string(*csrf);
  session.created = *created;
  session.context.expires_at = *expires_at;
  for (const Field& f : kFields) {
    std::optional<std::string_view> value = payload->FindString(f.name);
    if (!value) return NotASession();
    session.context.*f.member = std::string(*value);
  }
  return session;
}

}  // namespace selvhjelp::plugin
