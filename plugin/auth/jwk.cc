#include "plugin/auth/jwk.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <cstdio>

#include "plugin/auth/base64url.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

JwsKey::~JwsKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

std::shared_ptr<JwsKey> JwsKey::Adopt(void* evp_pkey, std::string kid, std::string kty) {
  std::shared_ptr<JwsKey> key(new JwsKey());
  key->pkey_ = evp_pkey;
  key->kid_ = std::move(kid);
  key->kty_ = std::move(kty);
  return key;
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

EVP_PKEY* EcKeyFrom(const std::string& x, const std::string& y) {
  if (x.size() != 48 || y.size() != 48) return nullptr;
  std::string point = "\x04" + x + y;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("P-384"), 0),
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

}  // namespace

Result<std::vector<std::shared_ptr<JwsKey>>> ParseJwks(const JsonValue& jwks) {
  const JsonValue* keys = jwks.Find("keys");
  if (keys == nullptr || !keys->is_array()) return InvalidArgumentError("JWKS: keys: expected an array");
  std::vector<std::shared_ptr<JwsKey>> out;
  for (size_t i = 0; i < keys->items().size(); ++i) {
    const JsonValue& k = keys->items()[i];
    std::string where = "JWKS: keys[" + std::to_string(i) + "]";
    auto kty = k.FindString("kty");
    auto kid = k.FindString("kid");
    if (!kty) return InvalidArgumentError(where + ".kty: required");
    if (*kty == "EC" && k.FindString("crv") == "P-384") {
      auto x = Base64UrlDecode(k.FindString("x").value_or(""));
      auto y = Base64UrlDecode(k.FindString("y").value_or(""));
      EVP_PKEY* pkey = (x && y) ? EcKeyFrom(*x, *y) : nullptr;
      if (pkey == nullptr) return InvalidArgumentError(where + ": not a valid P-384 public key");
      out.push_back(JwsKey::Adopt(pkey, std::string(kid.value_or("")), "EC"));
    } else if (*kty == "RSA") {
      auto n = Base64UrlDecode(k.FindString("n").value_or(""));
      auto e = Base64UrlDecode(k.FindString("e").value_or(""));
      EVP_PKEY* pkey = (n && e && !n->empty() && !e->empty()) ? RsaKeyFrom(*n, *e) : nullptr;
      if (pkey == nullptr) return InvalidArgumentError(where + ": not a valid RSA public key");
      if (EVP_PKEY_get_bits(pkey) < 2048) {
        EVP_PKEY_free(pkey);
        return InvalidArgumentError(where + ": RSA keys need at least 2048 bits");
      }
      out.push_back(JwsKey::Adopt(pkey, std::string(kid.value_or("")), "RSA"));
    }
  }
  return out;
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
