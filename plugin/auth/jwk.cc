#include "plugin/auth/jwk.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <cstdio>

#include "plugin/auth/base64url.h"
#include "plugin/auth/sha256.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

JwsKey::~JwsKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

std::shared_ptr<JwsKey> JwsKey::Adopt(void* evp_pkey, std::string kid, std::string kty) {
  std::shared_ptr<JwsKey> key(new JwsKey());
  key->pkey_ = evp_pkey;
  key->kid_ = std::move(kid);
  key->kty_ = std::move(kty);
  if (key->kty_ == "EC") {
    const int bits = EVP_PKEY_get_bits(static_cast<EVP_PKEY*>(evp_pkey));
    key->crv_ = bits == 256 ? "P-256" : bits == 384 ? "P-384" : "";
  }
  return key;
}

std::string JwsKey::SigningAlg() const {
  if (kty_ == "RSA") return "RS384";
  return crv_ == "P-256" ? "ES256" : "ES384";
}

bool JwsKey::Suits(std::string_view alg) const {
  if (alg == "ES256") return kty_ == "EC" && crv_ == "P-256";
  if (alg == "ES384") return kty_ == "EC" && crv_ == "P-384";
  return (alg == "RS256" || alg == "RS384") && kty_ == "RSA";
}

namespace {

EVP_PKEY* FromParams(const char* type, OSSL_PARAM* params) {
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  if (ctx && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) pkey = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  return pkey;
}

EVP_PKEY* EcKeyFrom(const std::string& crv, const std::string& x, const std::string& y) {
  const size_t size = crv == "P-256" ? 32 : crv == "P-384" ? 48 : 0;
  if (size == 0 || x.size() != size || y.size() != size) return nullptr;
  std::string point = "\x04" + x + y;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(crv.c_str()), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  return FromParams("EC", params);
}

EVP_PKEY* RsaKeyFrom(const std::string& n, const std::string& e) {
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  EVP_PKEY* pkey = nullptr;
  if (bn_n && bn_e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1) {
    params = OSSL_PARAM_BLD_to_param(bld);
    if (params) pkey = FromParams("RSA", params);
  }
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return pkey;
}

// Whether ParseJwk takes keys of this type and curve (others in a JWKS are skipped).
bool Usable(const JsonValue& k) {
  const auto kty = k.FindString("kty");
  const auto crv = k.FindString("crv");
  return kty == "RSA" || (kty == "EC" && (crv == "P-256" || crv == "P-384"));
}

}  // namespace

Result<std::shared_ptr<JwsKey>> ParseJwk(const JsonValue& k) {
  if (!k.is_object()) return InvalidArgumentError("expected a JWK object");
  auto kty = k.FindString("kty");
  std::string kid(k.FindString("kid").value_or(""));
  if (!kty) return InvalidArgumentError("kty: required");
  if (*kty == "EC" && Usable(k)) {
    const std::string crv(*k.FindString("crv"));
    auto x = Base64UrlDecode(k.FindString("x").value_or(""));
    auto y = Base64UrlDecode(k.FindString("y").value_or(""));
    EVP_PKEY* pkey = (x && y) ? EcKeyFrom(crv, *x, *y) : nullptr;
    if (pkey == nullptr) return InvalidArgumentError("not a valid " + crv + " public key");
    return JwsKey::Adopt(pkey, kid, "EC");
  }
  if (*kty == "RSA") {
    auto n = Base64UrlDecode(k.FindString("n").value_or(""));
    auto e = Base64UrlDecode(k.FindString("e").value_or(""));
    EVP_PKEY* pkey = (n && e && !n->empty() && !e->empty()) ? RsaKeyFrom(*n, *e) : nullptr;
    if (pkey == nullptr) return InvalidArgumentError("not a valid RSA public key");
    if (EVP_PKEY_get_bits(pkey) < 2048) {
      EVP_PKEY_free(pkey);
      return InvalidArgumentError("RSA keys need at least 2048 bits");
    }
    return JwsKey::Adopt(pkey, kid, "RSA");
  }
  return InvalidArgumentError("only EC P-256, EC P-384 and RSA keys are supported");
}

Result<std::vector<std::shared_ptr<JwsKey>>> ParseJwks(const JsonValue& jwks) {
  const JsonValue* keys = jwks.Find("keys");
  if (keys == nullptr || !keys->is_array()) return InvalidArgumentError("JWKS: keys: expected an array");
  std::vector<std::shared_ptr<JwsKey>> out;
  for (size_t i = 0; i < keys->items().size(); ++i) {
    const JsonValue& k = keys->items()[i];
    std::string where = "JWKS: keys[" + std::to_string(i) + "]";
    if (!k.FindString("kty")) return InvalidArgumentError(where + ".kty: required");
    if (!Usable(k)) continue;
    Result<std::shared_ptr<JwsKey>> key = ParseJwk(k);
    if (!key.ok()) return InvalidArgumentError(where + ": " + key.status().message());
    out.push_back(std::move(key).value());
  }
  return out;
}

namespace {

// A BIGNUM parameter of `pkey` as big-endian bytes, left-padded to `size` (0: no padding).
std::string BnParam(EVP_PKEY* pkey, const char* name, int size) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) return {};
  const int len = size > 0 ? size : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(len), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len);
  BN_free(bn);
  return out;
}

}  // namespace

Result<JsonValue> PublicJwk(const JwsKey& key) {
  EVP_PKEY* pkey = static_cast<EVP_PKEY*>(key.evp_pkey());
  JsonValue jwk = JsonValue::Object();
  if (key.kty() == "EC") {
    const int size = key.crv() == "P-256" ? 32 : 48;
    const std::string x = BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, size);
    const std::string y = BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, size);
    if (x.empty() || y.empty() || key.crv().empty()) return InternalError("EC public key not readable");
    jwk.Set("crv", key.crv());
    jwk.Set("kty", "EC");
    jwk.Set("x", Base64UrlEncode(x));
    jwk.Set("y", Base64UrlEncode(y));
  } else {
    const std::string e = BnParam(pkey, OSSL_PKEY_PARAM_RSA_E, 0);
    const std::string n = BnParam(pkey, OSSL_PKEY_PARAM_RSA_N, 0);
    if (n.empty() || e.empty()) return InternalError("RSA public key not readable");
    jwk.Set("e", Base64UrlEncode(e));
    jwk.Set("kty", "RSA");
    jwk.Set("n", Base64UrlEncode(n));
  }
  return jwk;
}

std::string JwkThumbprint(const JsonValue& jwk) {
  // RFC 7638 §3.2: the required members, lexicographic order, no whitespace. The values are
  // base64url or fixed names, so none needs escaping.
  auto member = [&jwk](const char* name) { return std::string(jwk.FindString(name).value_or("")); };
  const std::string kty = member("kty");
  std::string canonical;
  if (kty == "EC") {
    if (member("crv").empty() || member("x").empty() || member("y").empty()) return {};
    canonical = R"({"crv":")" + member("crv") + R"(","kty":"EC","x":")" + member("x") + R"(","y":")" + member("y") + "\"}";
  } else if (kty == "RSA") {
    if (member("e").empty() || member("n").empty()) return {};
    canonical = R"({"e":")" + member("e") + R"(","kty":"RSA","n":")" + member("n") + "\"}";
  } else {
    return {};
  }
  return Base64UrlEncode(Sha256(canonical));
}

Result<std::shared_ptr<JwsKey>> GenerateEcKey(std::string_view crv) {
  if (crv != "P-256" && crv != "P-384") return InvalidArgumentError("only P-256 and P-384 keys are generated");
  EVP_PKEY* pkey = EVP_EC_gen(std::string(crv).c_str());
  if (pkey == nullptr) return InternalError("EC key generation failed");
  return JwsKey::Adopt(pkey, "", "EC");
}

Result<std::shared_ptr<JwsKey>> LoadPrivateKeyPem(const std::filesystem::path& file, std::string kid) {
  FILE* f = std::fopen(file.c_str(), "r");
  if (f == nullptr) return NotFoundError(file.string() + ": cannot be read");
  EVP_PKEY* pkey = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (pkey == nullptr) return InvalidArgumentError(file.string() + ": not a PEM private key");
  std::string kty = EVP_PKEY_is_a(pkey, "EC") ? "EC" : EVP_PKEY_is_a(pkey, "RSA") ? "RSA" : "";
  if (kty.empty()) {
    EVP_PKEY_free(pkey);
    return InvalidArgumentError(file.string() + ": only EC P-384 and RSA keys are supported");
  }
  return JwsKey::Adopt(pkey, std::move(kid), kty);
}

}  // namespace selvhjelp::plugin
