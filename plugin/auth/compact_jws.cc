#include "plugin/auth/compact_jws.h"

#include "fhir/base/status_macros.h"
#include "fhir/json/json_reader.h"
#include "plugin/auth/base64url.h"

namespace selvhjelp::plugin {
namespace {

Result<fhir::JsonValue> DecodeObject(std::string_view part, const char* name) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return UnauthenticatedError(std::string(name) + " is not base64url");
  Result<fhir::JsonValue> json = fhir::ParseJson(*bytes);
  if (!json.ok() || !json->is_object()) return UnauthenticatedError(std::string(name) + " is not a JSON object");
  return json;
}

}  // namespace

Result<CompactJws> DecodeCompactJws(std::string_view token) {
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return UnauthenticatedError("not a compact JWS");
  }
  CompactJws jws;
  SELVHJELP_ASSIGN_OR_RETURN(jws.header, DecodeObject(token.substr(0, dot1), "header"));
  SELVHJELP_ASSIGN_OR_RETURN(jws.claims, DecodeObject(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload"));
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!signature) return UnauthenticatedError("signature is not base64url");
  jws.signing_input = std::string(token.substr(0, dot2));
  jws.signature = std::move(*signature);
  return jws;
}

}  // namespace selvhjelp::plugin
