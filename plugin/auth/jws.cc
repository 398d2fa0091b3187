#include "plugin/auth/jws.h"

#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "fhir/json/json_writer.h"
#include "plugin/auth/base64url.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

// The digest of an algorithm we sign or verify with; null for any other.
const EVP_MD* Digest(std::string_view alg) {
  if (alg == "ES256" || alg == "RS256") return EVP_sha256();
  if (alg == "ES384" || alg == "RS384") return EVP_sha384();
  return nullptr;
}

// DER ECDSA-Sig-Value -> r||s of `half` bytes each.
std::string DerToRaw(const std::string& der, int half) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) return {};
  std::string raw(2 * static_cast<size_t>(half), '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), half);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + half, half);
  ECDSA_SIG_free(sig);
  return raw;
}

// r||s of `half` bytes each -> DER, or empty when the size is wrong.
std::string RawToDer(std::string_view raw, int half) {
  if (raw.size() != 2 * static_cast<size_t>(half)) return {};
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), half, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + half, half, nullptr);
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
  const std::string alg = key.SigningAlg();
  header.Set("alg", alg);
  if (!header.FindString("typ")) header.Set("typ", "JWT");
  if (!key.kid().empty()) header.Set("kid", key.kid());
  std::string input = Base64UrlEncode(fhir::WriteJson(header)) + "." +
                      Base64UrlEncode(fhir::WriteJson(payload));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string signature;
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, Digest(alg), nullptr,
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
  if (key.kty() == "EC") signature = DerToRaw(signature, alg == "ES256" ? 32 : 48);
  return input + "." + Base64UrlEncode(signature);
}

bool VerifyJwsSignature(std::string_view alg, std::string_view signing_input,
                        std::string_view signature, const JwsKey& key) {
  if (!key.Suits(alg)) return false;
  const std::string sig = key.kty() == "EC" ? RawToDer(signature, alg == "ES256" ? 32 : 48) : std::string(signature);
  if (sig.empty()) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, Digest(alg), nullptr,
                                        static_cast<EVP_PKEY*>(key.evp_pkey())) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()),
                             signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace selvhjelp::plugin
