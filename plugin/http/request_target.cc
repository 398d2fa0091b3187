#include "plugin/http/request_target.h"

#include "fhir/base/hex.h"

namespace selvhjelp::plugin {

RequestTarget SplitTarget(std::string_view target) {
  if (size_t hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  // absolute-form: drop "scheme://authority"
  if (size_t scheme = target.find("://"); scheme != std::string_view::npos && target.find('/') > scheme) {
    size_t slash = target.find_first_of("/?", scheme + 3);
    target = slash == std::string_view::npos ? std::string_view() : target.substr(slash);
  }
  RequestTarget out;
  size_t question = target.find('?');
  out.path = target.substr(0, question);
  if (question != std::string_view::npos) out.query = target.substr(question + 1);
  if (out.path.empty()) out.path = "/";
  return out;
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 1 < text.size() ? HexDigitValue(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? HexDigitValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

Result<std::map<std::string, std::string>> DecodeQuery(std::string_view query) {
  std::map<std::string, std::string> parameters;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t equals = piece.find('=');
    const std::string_view raw_name = piece.substr(0, equals);
    const std::string_view raw_value = equals == std::string_view::npos ? std::string_view() : piece.substr(equals + 1);
    std::optional<std::string> name = PercentDecode(raw_name);
    std::optional<std::string> value = PercentDecode(raw_value);
    if (!name || !value) {
      std::string shown(name ? std::string_view(*name).substr(0, 64) : raw_name.substr(0, 64));
      return FieldError(shown, "malformed percent-encoding in the query");
    }
    parameters[std::move(*name)] = std::move(*value);
  }
  return parameters;
}

}  // namespace selvhjelp::plugin
