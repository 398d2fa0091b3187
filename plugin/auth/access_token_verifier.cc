#include "plugin/auth/access_token_verifier.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "plugin/auth/compact_jws.h"
#include "plugin/auth/dpop_proof_check.h"
#include "plugin/auth/jws.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

// Splits "Scheme credentials" (scheme compared in any case, RFC 7235 §2.1).
std::pair<std::string, std::string_view> SchemeAndToken(std::string_view authorization) {
  const size_t space = authorization.find(' ');
  if (space == std::string_view::npos) return {};
  std::string scheme(authorization.substr(0, space));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view token = authorization.substr(space);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return {scheme, token};
}

bool Contains(const JsonValue& aud, std::string_view audience) {
  if (aud.AsString() == audience) return true;
  for (const JsonValue& item : aud.items()) {
    if (item.AsString() == audience) return true;
  }
  return false;
}

std::vector<std::string> Scopes(const JsonValue& claims) {
  std::vector<std::string> out;
  for (const char* name : {"scope", "scp"}) {
    const JsonValue* scope = claims.Find(name);
    if (scope == nullptr) continue;
    if (auto text = scope->AsString()) {
      size_t at = 0;
      while (at < text->size()) {
        const size_t end = std::min(text->find(' ', at), text->size());
        if (end > at) out.emplace_back(text->substr(at, end - at));
        at = end + 1;
      }
    }
    for (const JsonValue& item : scope->items()) {
      if (auto text = item.AsString()) out.emplace_back(*text);
    }
  }
  return out;
}

// typ at+jwt (RFC 9068 §2.1, also as application/at+jwt) or JWT, in any case.
bool AccessTokenTyp(std::string_view typ) {
  std::string lower(typ);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "at+jwt" || lower == "application/at+jwt" || lower == "jwt";
}

AccessCheck Refused(std::string error, std::string why, std::string scheme) {
  AccessCheck check;
  check.status = UnauthenticatedError(std::move(why));
  check.error = std::move(error);
  check.scheme = std::move(scheme);
  return check;
}

}  // namespace

bool AccessGrant::HasScope(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

AccessTokenVerifier::AccessTokenVerifier(AccessTokenRules rules, std::vector<std::shared_ptr<JwsKey>> keys,
                                         Clock clock, std::shared_ptr<JtiStore> proof_jtis)
    : rules_(std::move(rules)), file_keys_(std::move(keys)), clock_(std::move(clock)),
      proof_jtis_(std::move(proof_jtis)) {}

bool AccessTokenVerifier::Recognises(std::string_view authorization) const {
  auto [scheme, token] = SchemeAndToken(authorization);
  if (scheme == "dpop") return true;
  if (scheme != "bearer") return false;
  Result<CompactJws> jws = DecodeCompactJws(token);
  return jws.ok() && jws->claims.FindString("iss") == rules_.issuer;
}

AccessCheck AccessTokenVerifier::Verify(std::string_view authorization, std::string_view dpop,
                                        std::string_view method, std::string_view url) const {
  auto [scheme, token] = SchemeAndToken(authorization);
  const std::string shown = scheme == "dpop" ? "DPoP" : "Bearer";
  if ((scheme != "bearer" && scheme != "dpop") || token.empty()) {
    return Refused("invalid_request", "no Bearer or DPoP access token", shown);
  }
  auto invalid = [&shown](const std::string& why) { return Refused("invalid_token", why, shown); };
  Result<CompactJws> jws = DecodeCompactJws(token);
  if (!jws.ok()) return invalid(jws.status().message());
  const std::string alg(jws->header.FindString("alg").value_or(""));
  if (std::find(rules_.algorithms.begin(), rules_.algorithms.end(), alg) == rules_.algorithms.end()) {
    return invalid("algorithm not allowed");
  }
  if (!AccessTokenTyp(jws->header.FindString("typ").value_or(""))) return invalid("typ is not at+jwt or JWT");
  if (jws->header.Find("crit") != nullptr) return invalid("crit names an extension we do not understand");
  const JsonValue& claims = jws->claims;
  if (claims.FindString("iss") != rules_.issuer) return invalid("issuer not trusted");
  const std::string kid(jws->header.FindString("kid").value_or(""));
  std::vector<std::shared_ptr<JwsKey>> candidates;
  {
    std::shared_lock<std::shared_mutex> lock(fetched_mutex_);
    for (const auto* keys : {&file_keys_, &fetched_keys_}) {
      for (const auto& key : *keys) {
        if (key->Suits(alg) && (kid.empty() || key->kid() == kid)) candidates.push_back(key);
      }
    }
  }
  if (candidates.size() != 1) return invalid("no single key matches kid and alg");
  if (!VerifyJwsSignature(alg, jws->signing_input, jws->signature, *candidates[0])) return invalid("bad signature");
  const JsonValue* aud = claims.Find("aud");
  if (aud == nullptr || !Contains(*aud, rules_.audience)) return invalid("wrong aud");
  const int64_t now = clock_();
  const int64_t leeway = rules_.leeway_seconds;
  const auto exp = claims.FindInt("exp");
  if (!exp || *exp < now - leeway) return invalid("expired");
  if (auto nbf = claims.FindInt("nbf"); nbf && *nbf > now + leeway) return invalid("not yet valid");
  if (auto iat = claims.FindInt("iat"); iat && *iat > now + leeway) return invalid("iat in the future");

  AccessCheck check;
  check.scheme = shown;
  AccessGrant& grant = check.grant;
  grant.iss = rules_.issuer;
  grant.sub = std::string(claims.FindString("sub").value_or(""));
  grant.client_id = std::string(claims.FindString("client_id").value_or(""));
  grant.jti = std::string(claims.FindString("jti").value_or(""));
  grant.scopes = Scopes(claims);
  const JsonValue* cnf = claims.Find("cnf");
  const std::optional<std::string_view> jkt = cnf ? cnf->FindString("jkt") : std::nullopt;
  grant.dpop_bound = jkt.has_value();
  if (!grant.dpop_bound) {
    // RFC 9449 §7.2: a token that is not bound is not sent with the DPoP scheme.
    if (scheme == "dpop") return invalid("DPoP scheme with a token not bound to a key");
    return check;
  }
  if (scheme != "dpop") return invalid("a DPoP-bound token sent as Bearer");
  if (dpop.empty()) return Refused("invalid_dpop_proof", "DPoP proof missing", shown);
  Result<std::string> thumbprint =
      CheckDpopProof(dpop, {method, url, token}, rules_.algorithms, now, leeway, *proof_jtis_);
  if (!thumbprint.ok()) {
    if (thumbprint.status().code() != StatusCode::kUnauthenticated) {
      check.status = thumbprint.status();
      return check;
    }
    return Refused("invalid_dpop_proof", thumbprint.status().message(), shown);
  }
  if (*thumbprint != *jkt) return Refused("invalid_dpop_proof", "DPoP proof: key is not the token's cnf.jkt", shown);
  return check;
}

std::vector<std::pair<std::string, std::string>> AccessTokenVerifier::AllowedJku() const {
  if (rules_.jwks_uri.empty()) return {};
  return {{rules_.issuer, rules_.jwks_uri}};
}

void AccessTokenVerifier::SetJkuKeys(const std::string& iss, const std::string& url,
                                     std::vector<std::shared_ptr<JwsKey>> keys) {
  if (iss != rules_.issuer || url != rules_.jwks_uri) return;
  std::unique_lock<std::shared_mutex> lock(fetched_mutex_);
  fetched_keys_ = std::move(keys);
}

}  // namespace selvhjelp::plugin
