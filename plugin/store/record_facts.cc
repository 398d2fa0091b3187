#include "plugin/store/record_facts.h"

namespace selvhjelp::plugin {

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out.push_back('\n');
    for (char c : item) out.push_back(c == '\n' ? ' ' : c);
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (size_t from = 0;;) {
    const size_t at = text.find('\n', from);
    out.push_back(text.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) return out;
    from = at + 1;
  }
}

}  // namespace selvhjelp::plugin
