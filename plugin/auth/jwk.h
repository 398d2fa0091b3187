#pragma once
// Public and private keys for JWS, held as OpenSSL keys behind our own type.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::plugin {

// An opaque key (OpenSSL EVP_PKEY). kty is "EC" (P-384) or "RSA".
class JwsKey {
 public:
  ~JwsKey();
  JwsKey(const JwsKey&) = delete;
  JwsKey& operator=(const JwsKey&) = delete;

  const std::string& kid() const { return kid_; }
  const std::string& kty() const { return kty_; }
  void* evp_pkey() const { return pkey_; }  // for the JWS code only

  // Takes ownership of an EVP_PKEY*.
  static std::shared_ptr<JwsKey> Adopt(void* evp_pkey, std::string kid, std::string kty);

 private:
  JwsKey() = default;
  void* pkey_ = nullptr;
  std::string kid_, kty_;
};

// Public keys of a JWK Set. Keys of other types or curves are skipped (a JWKS may hold keys we
// do not use); InvalidArgument when the document is not a JWK Set or a usable key is malformed.
[[nodiscard]] Result<std::vector<std::shared_ptr<JwsKey>>> ParseJwks(const fhir::JsonValue& jwks);

// A private key from a PEM file (EC P-384 or RSA), for signing.
[[nodiscard]] Result<std::shared_ptr<JwsKey>> LoadPrivateKeyPem(const std::filesystem::path& file,
                                                                std::string kid);

}  // namespace selvhjelp::plugin
