#include "plugin/auth/jwt_verifier.h"

#include <algorithm>
#include <cctype>

#include "fhir/json/json_reader.h"
#include "plugin/auth/base64url.h"
#include "plugin/auth/jws.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

JwtVerifier::JwtVerifier(std::vector<IssuerKeys> issuers, std::vector<std::string> algorithms,
                         int clock_skew_seconds, Clock clock, std::shared_ptr<JtiStore> used_jtis,
                         int64_t max_lifetime_seconds)
    : issuers_(std::move(issuers)),
      algorithms_(std::move(algorithms)),
      skew_(clock_skew_seconds),
      clock_(std::move(clock)),
      used_jtis_(std::move(used_jtis)),
      max_lifetime_(max_lifetime_seconds) {}

namespace {

Result<JsonValue> DecodePart(std::string_view part, const char* name) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return UnauthenticatedError(std::string(name) + " is not base64url");
  Result<JsonValue> json = fhir::ParseJson(*bytes);
  if (!json.ok() || !json->is_object()) return UnauthenticatedError(std::string(name) + " is not a JSON object");
  return json;
}

// The token after an auth-scheme "Bearer" in any case (RFC 7235 §2.1) and one or more spaces;
// empty when the header is not that.
std::string_view BearerToken(std::string_view authorization) {
  constexpr std::string_view kBearer = "bearer";
  if (authorization.size() <= kBearer.size() || authorization[kBearer.size()] != ' ') return {};
  for (size_t i = 0; i < kBearer.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kBearer[i]) return {};
  }
  std::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return token;
}

bool AudienceMatches(const JsonValue& aud, std::string_view audience) {
  if (aud.AsString() == audience) return true;
  for (const JsonValue& item : aud.items()) {
    if (item.AsString() == audience) return true;
  }
  return false;
}

}  // namespace

Result<VerifiedToken> JwtVerifier::Verify(std::string_view authorization, std::string_view audience) {
  std::string_view token = BearerToken(authorization);
  if (token.empty()) return UnauthenticatedError("no bearer token");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return UnauthenticatedError("not a compact JWS");
  }
  Result<JsonValue> header = DecodePart(token.substr(0, dot1), "header");
  if (!header.ok()) return header.status();
  Result<JsonValue> claims = DecodePart(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload");
  if (!claims.ok()) return claims.status();
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!signature) return UnauthenticatedError("signature is not base64url");

  std::string alg(header->FindString("alg").value_or(""));
  if (std::find(algorithms_.begin(), algorithms_.end(), alg) == algorithms_.end()) {
    return UnauthenticatedError("algorithm not allowed");
  }
  if (header->FindString("typ") != "JWT") return UnauthenticatedError("typ is not JWT");
  // We understand no JWS extension, so a token that makes any critical cannot be accepted.
  if (header->Find("crit") != nullptr) return UnauthenticatedError("crit names an extension we do not understand");
  std::string kid(header->FindString("kid").value_or(""));
  std::string iss(claims->FindString("iss").value_or(""));
  auto issuer = std::find_if(issuers_.begin(), issuers_.end(),
                             [&](const IssuerKeys& i) { return i.iss == iss; });
  if (issuer == issuers_.end()) return UnauthenticatedError("issuer not trusted");

  std::vector<std::shared_ptr<JwsKey>> candidates;
  {
    std::shared_lock<std::shared_mutex> keys_lock(keys_mutex_);
    const std::vector<std::shared_ptr<JwsKey>>* keys = &issuer->keys;
    if (const JsonValue* jku = header->Find("jku")) {
      auto it = issuer->jku_keys.find(std::string(jku->AsString().value_or("")));
      if (it == issuer->jku_keys.end()) return UnauthenticatedError("jku not allowed for issuer");
      keys = &it->second;
    }
    for (const auto& key : *keys) {
      if (key->Suits(alg) && (kid.empty() || key->kid() == kid)) candidates.push_back(key);
    }
  }
  if (candidates.size() != 1) return UnauthenticatedError("no single key matches kid and alg");
  if (!VerifyJwsSignature(alg, token.substr(0, dot2), *signature, *candidates[0])) {
    return UnauthenticatedError("bad signature");
  }

  const JsonValue* aud = claims->Find("aud");
  if (aud == nullptr || !AudienceMatches(*aud, audience)) return UnauthenticatedError("wrong aud");
  const int64_t now = clock_();
  auto exp = claims->FindInt("exp");
  auto iat = claims->FindInt("iat");
  auto nbf = claims->FindInt("nbf");
  // Compared so that no value near the int64 limits can overflow: now and skew are small.
  if (!exp || *exp < now - skew_) return UnauthenticatedError("expired");
  if (!iat || *iat > now + skew_) return UnauthenticatedError("iat missing or in the future");
  if (*exp > *iat + max_lifetime_) return UnauthenticatedError("lifetime (exp - iat) too long");
  if (nbf && *nbf > now + skew_) return UnauthenticatedError("not yet valid");
  std::string jti(claims->FindString("jti").value_or(""));
  if (jti.empty()) return UnauthenticatedError("jti missing");  // and holds no NUL: ParseJson refuses one

  // exp <= iat + max lifetime <= now + skew + max lifetime: no overflow here either.
  Result<bool> first_use = used_jtis_->Claim(iss, jti, *exp + skew_, now);
  if (!first_use.ok()) return first_use.status();
  if (!*first_use) return UnauthenticatedError("jti replayed");
  return VerifiedToken{iss, jti, kid, std::string(claims->FindString("sub").value_or(""))};
}

}  // namespace selvhjelp::plugin

namespace selvhjelp::plugin {

void JwtVerifier::SetJkuKeys(const std::string& iss, const std::string& url,
                             std::vector<std::shared_ptr<JwsKey>> keys) {
  std::unique_lock<std::shared_mutex> lock(keys_mutex_);
  for (IssuerKeys& issuer : issuers_) {
    if (issuer.iss != iss) continue;
    auto it = issuer.jku_keys.find(url);
    if (it != issuer.jku_keys.end()) it->second = std::move(keys);
  }
}

std::vector<std::pair<std::string, std::string>> JwtVerifier::AllowedJku() const {
  std::shared_lock<std::shared_mutex> lock(keys_mutex_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const IssuerKeys& issuer : issuers_) {
    for (const auto& [url, keys] : issuer.jku_keys) out.emplace_back(issuer.iss, url);
  }
  return out;
}

}  // namespace selvhjelp::plugin
