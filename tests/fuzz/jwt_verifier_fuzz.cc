// The JWT/JWS verifier. The input is tried twice: as the whole Authorization header, and (when it
// holds two JSON objects on its first two lines) as a header and claims that the harness signs
// with the demo EHR key, so the checks after the signature are reached too.
#include "fhir/json/json_file.h"
#include "fhir/json/json_reader.h"
#include "plugin/auth/jws.h"
#include "plugin/auth/jwt_verifier.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr std::string_view kAudience = "https://cds.example.no/cds-services/selvhjelp-patient-view";
const std::filesystem::path kDemo = std::filesystem::path(SELVHJELP_SOURCE_DIR) / "config/demo";

plugin::JwtVerifier& Verifier() {
  static plugin::JwtVerifier verifier = [] {
    auto jwks = fuzz::Required(fhir::ReadJsonFile(kDemo / "demo-ehr-jwks.json"));
    plugin::IssuerKeys issuer{"https://demo-ehr.example", fuzz::Required(plugin::ParseJwks(jwks)), {}};
    issuer.jku_keys["https://demo-ehr.example/jwks.json"] = issuer.keys;
    return plugin::JwtVerifier({issuer}, {"ES384", "RS384"}, 60, [] { return kNow; });
  }();
  return verifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<plugin::JwsKey> key =
      fuzz::Required(plugin::LoadPrivateKeyPem(kDemo / "demo-ehr-key.pem", "demo-ehr-key"));
  const std::string_view text = fuzz::Text(data, size);
  (void)Verifier().Verify(text, kAudience);
  const size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return 0;
  Result<fhir::JsonValue> header = fhir::ParseJson(text.substr(0, newline));
  Result<fhir::JsonValue> claims = fhir::ParseJson(text.substr(newline + 1));
  if (!header.ok() || !claims.ok() || !header->is_object()) return 0;
  Result<std::string> token = plugin::SignJws(*header, *claims, *key);
  if (token.ok()) (void)Verifier().Verify("Bearer " + *token, kAudience);
  return 0;
}
