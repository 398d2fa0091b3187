#include "plugin/auth/jws.h"

#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "fhir/json/json_writer.h"
#include "plugin/auth/base64url.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

// DER ECDSA-Sig-Value -> 96-byte r||s.
std::string DerToRawP384(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) return {};
  std::string raw(96, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 48);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 48, 48);
  ECDSA_SIG_free(sig);
  return raw;
}

// 96-byte r||s -> DER, or empty when the size is wrong.
std::string RawP384ToDer(std::string_view raw) {
  if (raw.size() != 96) return {};
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 48, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 48, 48, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return {};
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  std::string out = len > 0 ? std::string(reinterpret_cast<char*>(der), static_cast<size_t>(len)) : "";
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

}  // namespace

Result<std::string> SignJws(const JsonValue& header_in, const JsonValue& payload, const JwsKey& key) {
  JsonValue header = header_in;
  header.Set("alg", key.kty() == "EC" ? "ES384" : "RS384");
  header.Set("typ", "JWT");
  if (!key.kid().empty()) header.Set("kid", key.kid());
  std::string input = Base64UrlEncode(fhir::WriteJson(header)) + "." +
                      Base64UrlEncode(fhir::WriteJson(payload));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string signature;
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha384(), nullptr,
                                      static_cast<EVP_PKEY*>(key.evp_pkey())) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1;
  if (ok) {
    signature.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &len,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    signature.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return InternalError("signing failed");
  if (key.kty() == "EC") signature = DerToRawP384(signature);
  return input + "." + Base64UrlEncode(signature);
}

bool VerifyJwsSignature(std::string_view alg, std::string_view signing_input,
                        std::string_view signature, const JwsKey& key) {
  std::string sig;
  if (alg == "ES384" && key.kty() == "EC") {
    sig = RawP384ToDer(signature);
  } else if (alg == "RS384" && key.kty() == "RSA") {
    sig = std::string(signature);
  } else {
    return false;
  }
  if (sig.empty()) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha384(), nullptr,
                                        static_cast<EVP_PKEY*>(key.evp_pkey())) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()),
                             signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace selvhjelp::plugin
