#include "plugin/app/smart_launch.h"

#include <openssl/evp.h>

#include <algorithm>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_reader.h"
#include "plugin/app/practitioner_hpr.h"
#include "plugin/auth/access_token_source.h"
#include "plugin/auth/base64url.h"
#include "plugin/auth/compact_jws.h"
#include "plugin/auth/jwk.h"
#include "plugin/auth/jws.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

constexpr size_t kMaxPendingLaunches = 10000;  // bounds memory under a flood of /app/launch calls

std::string WithoutTrailingSlash(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

bool Contains(const JsonValue* list, std::string_view value) {
  if (list == nullptr) return false;
  for (const JsonValue& item : list->items()) {
    if (item.AsString() == value) return true;
  }
  return false;
}

// A claim as text: strings as they are, numbers by their source text; empty otherwise.
std::string ClaimText(const JsonValue& object, const std::string& name) {
  if (name.empty()) return {};
  const JsonValue* value = object.Find(name);
  if (value == nullptr) return {};
  if (auto text = value->AsString()) return std::string(*text);
  if (value->AsInt()) return value->scalar_text();
  return {};
}

Result<JsonValue> GetJson(const HttpSend& send, const std::string& url, const char* what) {
  Result<HttpResponse> response = send(HttpRequestSpec{"GET", url, {{"Accept", "application/json"}}, ""});
  if (!response.ok()) return UnavailableError(std::string(what) + ": " + response.status().message());
  if (response->status != 200) {
    return UnavailableError(std::string(what) + " answered HTTP " + std::to_string(response->status));
  }
  Result<JsonValue> json = fhir::ParseJson(response->body);
  if (!json.ok() || !json->is_object()) return UnavailableError(std::string(what) + " is not a JSON object");
  return json;
}

}  // namespace

std::string PkceChallenge(std::string_view verifier) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(verifier.data(), verifier.size(), digest, &length, EVP_sha256(), nullptr);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

SmartLaunch::SmartLaunch(SmartAppSettings settings, HttpSend send, Clock clock, RandomBytes random_bytes)
    : settings_(std::move(settings)), send_(std::move(send)), clock_(std::move(clock)),
      random_bytes_(std::move(random_bytes)) {}

std::string SmartLaunch::RandomToken(size_t bytes) const { return Base64UrlEncode(random_bytes_(bytes)); }

size_t SmartLaunch::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_.size();
}

Result<SmartLaunch::Endpoints> SmartLaunch::Discover(const std::string& iss) {
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue config,
                             GetJson(send_, iss + "/.well-known/smart-configuration", "SMART configuration"));
  Endpoints endpoints;
  endpoints.authorize = std::string(config.FindString("authorization_endpoint").value_or(""));
  endpoints.token = std::string(config.FindString("token_endpoint").value_or(""));
  endpoints.issuer = std::string(config.FindString("issuer").value_or(""));
  endpoints.jwks_uri = std::string(config.FindString("jwks_uri").value_or(""));
  if (endpoints.authorize.empty() || endpoints.token.empty()) {
    return FailedPreconditionError("SMART configuration: no authorization_endpoint or token_endpoint");
  }
  if (!Contains(config.Find("code_challenge_methods_supported"), "S256")) {
    return FailedPreconditionError("SMART configuration: PKCE S256 is not offered (code_challenge_methods_supported)");
  }
  if (endpoints.issuer.empty() || endpoints.jwks_uri.empty()) {
    return FailedPreconditionError("SMART configuration: no issuer or jwks_uri for the id_token (sso-openid-connect)");
  }
  return endpoints;
}

Result<std::string> SmartLaunch::Begin(std::string_view iss_in, std::string_view launch) {
  const std::string iss = WithoutTrailingSlash(iss_in);
  const auto& allowed = settings_.allowed_issuers;
  if (std::none_of(allowed.begin(), allowed.end(), [&](const std::string& a) { return WithoutTrailingSlash(a) == iss; })) {
    return PermissionDeniedError("iss: not an EHR this app is registered with (app.allowedIssuers)");
  }
  SELVHJELP_ASSIGN_OR_RETURN(Endpoints endpoints, Discover(iss));
  Pending pending{iss, endpoints, RandomToken(32), RandomToken(16), clock_()};
  const std::string state = RandomToken(24);
  std::string scope = settings_.scope;
  const std::string launch_scope = launch.empty() ? "launch/patient" : "launch";
  if (scope.find(launch_scope) == std::string::npos) scope = launch_scope + " " + scope;
  std::string url = endpoints.authorize + (endpoints.authorize.find('?') == std::string::npos ? "?" : "&");
  url += "response_type=code&client_id=" + FormEncode(settings_.client_id) +
         "&redirect_uri=" + FormEncode(settings_.redirect_uri) + "&scope=" + FormEncode(scope) +
         "&state=" + FormEncode(state) + "&aud=" + FormEncode(iss) + "&nonce=" + FormEncode(pending.nonce) +
         "&code_challenge=" + FormEncode(PkceChallenge(pending.verifier)) + "&code_challenge_method=S256";
  if (!launch.empty()) url += "&launch=" + FormEncode(launch);
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t now = clock_();
  std::erase_if(pending_, [&](const auto& entry) { return now - entry.second.created > settings_.launch_ttl_seconds; });
  if (pending_.size() >= kMaxPendingLaunches) return ResourceExhaustedError("(launch): too many launches under way");
  pending_.emplace(state, std::move(pending));
  return url;
}

Status SmartLaunch::VerifyIdToken(std::string_view id_token, const Pending& pending, std::string& sub) {
  SELVHJELP_ASSIGN_OR_RETURN(CompactJws jws, DecodeCompactJws(id_token));
  const std::string alg(jws.header.FindString("alg").value_or(""));
  if (alg != "ES384" && alg != "RS384") return UnauthenticatedError("id_token: algorithm not supported");
  SELVHJELP_ASSIGN_OR_RETURN(JsonValue jwks, GetJson(send_, pending.endpoints.jwks_uri, "JWKS"));
  SELVHJELP_ASSIGN_OR_RETURN(auto keys, ParseJwks(jwks));
  const std::string kid(jws.header.FindString("kid").value_or(""));
  const std::string kty = alg == "ES384" ? "EC" : "RSA";
  const bool signed_by_issuer = std::any_of(keys.begin(), keys.end(), [&](const std::shared_ptr<JwsKey>& key) {
    return key->kty() == kty && (kid.empty() || key->kid() == kid) &&
           VerifyJwsSignature(alg, jws.signing_input, jws.signature, *key);
  });
  if (!signed_by_issuer) return UnauthenticatedError("id_token: signature not valid for the issuer's keys");
  const JsonValue& claims = jws.claims;
  if (claims.FindString("iss") != pending.endpoints.issuer) return UnauthenticatedError("id_token: wrong iss");
  const JsonValue* aud = claims.Find("aud");
  const bool audience = aud && (aud->AsString() == settings_.client_id || Contains(aud, settings_.client_id));
  if (!audience) return UnauthenticatedError("id_token: aud is not this client");
  if (const JsonValue* azp = claims.Find("azp"); azp && azp->AsString() != settings_.client_id) {
    return UnauthenticatedError("id_token: azp is not this client");
  }
  const int64_t now = clock_();
  const std::optional<int64_t> exp = claims.FindInt("exp");
  if (!exp || *exp < now - settings_.clock_skew_seconds) return UnauthenticatedError("id_token: expired");
  const std::optional<int64_t> iat = claims.FindInt("iat");
  if (!iat || *iat > now + settings_.clock_skew_seconds) return UnauthenticatedError("id_token: iat missing or in the future");
  if (claims.FindString("nonce") != pending.nonce) return UnauthenticatedError("id_token: nonce does not match");
  sub = std::string(claims.FindString("sub").value_or(""));
  if (sub.empty()) return UnauthenticatedError("id_token: no sub");
  return OkStatus();
}

Result<LaunchContext> SmartLaunch::Complete(std::string_view state, std::string_view code) {
  Pending pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = pending_.find(state);
    if (it == pending_.end()) return UnauthenticatedError("launch: unknown or already used state");
    pending = std::move(it->second);
    pending_.erase(it);  // single use, whatever happens next
  }
  if (clock_() - pending.created > settings_.launch_ttl_seconds) return UnauthenticatedError("launch: state expired");
  if (code.empty()) return UnauthenticatedError("launch: no authorization code");
  HttpRequestSpec request;
  request.method = "POST";
  request.url = pending.endpoints.token;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  request.body = "grant_type=authorization_code&code=" + FormEncode(code) +
                 "&redirect_uri=" + FormEncode(settings_.redirect_uri) + "&client_id=" + FormEncode(settings_.client_id) +
                 "&code_verifier=" + FormEncode(pending.verifier);
  Result<HttpResponse> response = send_(request);
  if (!response.ok()) return UnavailableError("token endpoint: " + response.status().message());
  if (response->status >= 500) return UnavailableError("token endpoint answered HTTP " + std::to_string(response->status));
  if (response->status != 200) {
    return UnauthenticatedError("token endpoint refused the code (HTTP " + std::to_string(response->status) + ")");
  }
  Result<JsonValue> token = fhir::ParseJson(response->body);
  if (!token.ok() || !token->is_object()) return UnauthenticatedError("token endpoint: the answer is not a JSON object");
  std::string token_type(token->FindString("token_type").value_or(""));
  std::transform(token_type.begin(), token_type.end(), token_type.begin(), [](unsigned char c) { return std::tolower(c); });
  LaunchContext context;
  context.iss = pending.iss;
  context.access_token = std::string(token->FindString("access_token").value_or(""));
  if (context.access_token.empty() || token_type != "bearer") {
    return UnauthenticatedError("token endpoint: no bearer access_token");
  }
  const std::string_view id_token = token->FindString("id_token").value_or("");
  if (id_token.empty()) return UnauthenticatedError("token endpoint: no id_token (scope openid)");
  SELVHJELP_RETURN_IF_ERROR(VerifyIdToken(id_token, pending, context.user_sub));
  const int64_t expires_in = std::clamp<int64_t>(token->FindInt("expires_in").value_or(300), 0, 24 * 3600);
  context.expires_at = clock_() + expires_in;
  context.scope = std::string(token->FindString("scope").value_or(""));
  context.patient = std::string(token->FindString("patient").value_or(""));
  context.encounter = std::string(token->FindString("encounter").value_or(""));
  if (const JsonValue* app_context = token->Find("appContext"); app_context && app_context->AsString()) {
    context.app_context = std::string(*app_context->AsString());
  }
  // fhirUser from the verified id_token; the Norwegian claims from the token response, or from
  // the access token when the EHR issues it as a JWT (DIPS does). Both came straight from the
  // token endpoint over its TLS connection, so they are the EHR's word.
  JsonValue id_claims = JsonValue::Object();
  if (auto id = DecodeCompactJws(id_token); id.ok()) id_claims = std::move(id->claims);
  context.fhir_user = ClaimText(id_claims, "fhirUser");
  context.locale = ClaimText(id_claims, "locale");
  if (std::string locale = ClaimText(*token, "locale"); !locale.empty()) context.locale = locale;
  JsonValue access_claims = JsonValue::Object();
  if (auto access = DecodeCompactJws(context.access_token); access.ok()) access_claims = std::move(access->claims);
  // The token response first, then the verified id_token (HelseID and OpenID Connect put user
  // claims there), then the access token.
  auto claim = [&](const std::string& name) {
    for (const JsonValue* claims : {&*token, &id_claims, &access_claims}) {
      if (std::string value = ClaimText(*claims, name); !value.empty()) return value;
    }
    return std::string();
  };
  context.hpr_number = claim(settings_.hpr_claim);
  context.unit = claim(settings_.unit_claim);
  context.role = claim(settings_.role_claim);
  // No HPR claim: the user's own Practitioner resource at the EHR may carry it.
  if (context.hpr_number.empty()) {
    context.hpr_number = ReadPractitionerHpr(send_, context.iss, context.fhir_user, context.access_token);
  }
  return context;
}

}  // namespace selvhjelp::plugin
