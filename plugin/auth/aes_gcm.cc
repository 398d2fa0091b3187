#include "plugin/auth/aes_gcm.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace selvhjelp::plugin {
namespace {

constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// A context set up for AES-256-GCM with `key` and `nonce`, the associated data already fed in;
// null when OpenSSL refuses any step.
CipherContext Start(bool encrypt, std::string_view key, std::string_view nonce, std::string_view associated_data) {
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt ? 1 : 0) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), Bytes(nonce), -1) == 1 &&
      EVP_CipherUpdate(ctx.get(), nullptr, &len, Bytes(associated_data), static_cast<int>(associated_data.size())) == 1;
  return ok ? std::move(ctx) : CipherContext(nullptr, &EVP_CIPHER_CTX_free);
}

}  // namespace

Result<std::string> AesGcmSeal(std::string_view key, std::string_view plaintext, std::string_view associated_data) {
  if (key.size() != kAesGcmKeyBytes) return InvalidArgumentError("aes-gcm: the key must be 32 bytes");
  std::string sealed(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  if (RAND_bytes(Bytes(sealed), kNonceBytes) != 1) return InternalError("aes-gcm: no randomness for the nonce");
  CipherContext ctx = Start(true, key, std::string_view(sealed).substr(0, kNonceBytes), associated_data);
  int len = 0, final_len = 0;
  unsigned char* out = Bytes(sealed) + kNonceBytes;
  if (ctx == nullptr || EVP_CipherUpdate(ctx.get(), out, &len, Bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, out + plaintext.size()) != 1) {
    return InternalError("aes-gcm: encryption failed");
  }
  return sealed;
}

Result<std::string> AesGcmOpen(std::string_view key, std::string_view sealed, std::string_view associated_data) {
  if (key.size() != kAesGcmKeyBytes) return InvalidArgumentError("aes-gcm: the key must be 32 bytes");
  const Status refused = PermissionDeniedError("aes-gcm: the sealed value does not authenticate");
  if (sealed.size() < kNonceBytes + kTagBytes) return refused;
  const std::string_view ciphertext = sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  CipherContext ctx = Start(false, key, sealed.substr(0, kNonceBytes), associated_data);
  std::string plaintext(ciphertext.size(), '\0');
  int len = 0, final_len = 0;
  if (ctx == nullptr ||
      EVP_CipherUpdate(ctx.get(), Bytes(plaintext), &len, Bytes(ciphertext), static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), Bytes(plaintext) + len, &final_len) != 1) {
    return refused;
  }
  return plaintext;
}

}  // namespace selvhjelp::plugin
