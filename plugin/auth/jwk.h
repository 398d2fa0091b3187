#pragma once
// Public and private keys for JWS, held as OpenSSL keys behind our own type.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::plugin {

// An opaque key (OpenSSL EVP_PKEY). kty is "EC" (crv P-256 or P-384) or "RSA".
class JwsKey {
 public:
  ~JwsKey();
  JwsKey(const JwsKey&) = delete;
  JwsKey& operator=(const JwsKey&) = delete;

  const std::string& kid() const { return kid_; }
  const std::string& kty() const { return kty_; }
  const std::string& crv() const { return crv_; }  // "P-256" or "P-384" for EC keys; empty for RSA
  void* evp_pkey() const { return pkey_; }  // for the JWS code only

  // The algorithm we sign with: ES256 (P-256), ES384 (P-384), RS384 (RSA).
  std::string SigningAlg() const;
  // Whether a signature with `alg` (ES256, ES384, RS256, RS384) can be made by this key.
  bool Suits(std::string_view alg) const;

  // Takes ownership of an EVP_PKEY*; the curve of an EC key is read from it.
  static std::shared_ptr<JwsKey> Adopt(void* evp_pkey, std::string kid, std::string kty);

 private:
  JwsKey() = default;
  void* pkey_ = nullptr;
  std::string kid_, kty_, crv_;
};

// One public key in JWK form (EC P-256/P-384 or RSA of 2048 bits or more). InvalidArgument when
// it is malformed or of another type or curve.
[[nodiscard]] Result<std::shared_ptr<JwsKey>> ParseJwk(const fhir::JsonValue& jwk);

// The public half of `key` as a JWK with only its required members (kty, crv, x, y / kty, n, e).
[[nodiscard]] Result<fhir::JsonValue> PublicJwk(const JwsKey& key);

// The JWK SHA-256 thumbprint (RFC 7638), base64url: the hash of the required members of a public
// JWK in lexicographic order without whitespace. Empty when `jwk` lacks them.
std::string JwkThumbprint(const fhir::JsonValue& jwk);

// A new EC key pair on `crv` ("P-256" or "P-384"), e.g. a process's DPoP proof key.
[[nodiscard]] Result<std::shared_ptr<JwsKey>> GenerateEcKey(std::string_view crv);

// Public keys of a JWK Set. Keys of other types or curves are skipped (a JWKS may hold keys we
// do not use); InvalidArgument when the document is not a JWK Set or a usable key is malformed.
[[nodiscard]] Result<std::vector<std::shared_ptr<JwsKey>>> ParseJwks(const fhir::JsonValue& jwks);

// A private key from a PEM file (EC P-384 or RSA), for signing.
[[nodiscard]] Result<std::shared_ptr<JwsKey>> LoadPrivateKeyPem(const std::filesystem::path& file,
                                                                std::string kid);

}  // namespace selvhjelp::plugin
