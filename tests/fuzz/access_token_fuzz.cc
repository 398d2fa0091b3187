// The inbound access-token check (HelseID / a hospital STS) with its DPoP proof. The input's first
// line is the Authorization header and its second the DPoP header, as another system would send
// them. When the input instead holds two JSON objects on its first two lines, the harness signs
// them (header, claims) with the demo key and sends the token as "Bearer" and as "DPoP" with the
// input's third line as proof, so the checks after the signature are reached too.
#include "fhir/json/json_file.h"
#include "fhir/json/json_reader.h"
#include "plugin/auth/access_token_verifier.h"
#include "plugin/auth/jws.h"
#include "plugin/auth/jwk.h"
#include "tests/fuzz/fuzz_support.h"

using namespace selvhjelp;

namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr std::string_view kUrl = "https://selvhjelp.example.no/records";
const std::filesystem::path kDemo = std::filesystem::path(SELVHJELP_SOURCE_DIR) / "config/demo";

const plugin::AccessTokenVerifier& Verifier() {
  static const plugin::AccessTokenVerifier verifier = [] {
    auto jwks = fuzz::Required(fhir::ReadJsonFile(kDemo / "demo-ehr-jwks.json"));
    plugin::AccessTokenRules rules{"https://sts.example.no", "selvhjelp", {"ES256", "ES384", "RS256", "RS384"}, 30, ""};
    return plugin::AccessTokenVerifier(rules, fuzz::Required(plugin::ParseJwks(jwks)), [] { return kNow; });
  }();
  return verifier;
}

// The line `n` (0-based) of `text`, without its newline; empty past the end.
std::string_view Line(std::string_view text, int n) {
  for (; n > 0; --n) {
    const size_t newline = text.find('\n');
    if (newline == std::string_view::npos) return {};
    text.remove_prefix(newline + 1);
  }
  return text.substr(0, text.find('\n'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<plugin::JwsKey> key =
      fuzz::Required(plugin::LoadPrivateKeyPem(kDemo / "demo-ehr-key.pem", "demo-ehr-key"));
  const std::string_view text = fuzz::Text(data, size);
  (void)Verifier().Recognises(Line(text, 0));
  (void)Verifier().Verify(Line(text, 0), Line(text, 1), "POST", kUrl);
  Result<fhir::JsonValue> header = fhir::ParseJson(Line(text, 0));
  Result<fhir::JsonValue> claims = fhir::ParseJson(Line(text, 1));
  if (!header.ok() || !claims.ok() || !header->is_object()) return 0;
  Result<std::string> token = plugin::SignJws(*header, *claims, *key);
  if (!token.ok()) return 0;
  (void)Verifier().Verify("Bearer " + *token, "", "POST", kUrl);
  (void)Verifier().Verify("DPoP " + *token, Line(text, 2), "POST", kUrl);
  return 0;
}
