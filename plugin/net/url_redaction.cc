#include "plugin/net/url_redaction.h"

#include <algorithm>

namespace selvhjelp::plugin {
namespace {

// The position of the next "http://" or "https://" in `text` from `from`, or npos.
size_t FindUrl(std::string_view text, size_t from) {
  const size_t http = text.find("http://", from), https = text.find("https://", from);
  return std::min(http, https);
}

// scheme://host[:port]/path of one URL (no spaces in it).
std::string Redacted(std::string_view url) {
  const size_t authority = url.find("://") + 3;
  size_t end = url.find_first_of("?#", authority);
  if (end == std::string_view::npos) end = url.size();
  std::string_view rest = url.substr(authority, end - authority);
  const size_t slash = rest.find('/');
  const size_t at = rest.substr(0, slash).rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);  // user:password@
  return std::string(url.substr(0, authority)) + std::string(rest);
}

}  // namespace

std::string RedactUrls(std::string_view text) {
  std::string out;
  size_t done = 0;
  for (size_t start = FindUrl(text, 0); start != std::string_view::npos; start = FindUrl(text, done)) {
    size_t end = text.find_first_of(" \t\n", start);
    if (end == std::string_view::npos) end = text.size();
    size_t word_end = end;
    while (word_end > start && (text[word_end - 1] == ':' || text[word_end - 1] == ',')) --word_end;
    out.append(text.substr(done, start - done));
    out.append(Redacted(text.substr(start, word_end - start)));
    out.append(text.substr(word_end, end - word_end));
    done = end;
  }
  out.append(text.substr(done));
  return out;
}

}  // namespace selvhjelp::plugin
