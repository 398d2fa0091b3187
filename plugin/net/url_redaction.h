#pragma once
// Text about a URL, fit for a log line or a status page: a source's configured URL may carry a
// secret (`${env:KEY}` in its query, a user:password@ before its host), so such text shows at
// most scheme://host/path.
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

// `text` with each http:// or https:// URL in it (up to the next space) cut to
// scheme://host[:port]/path: without userinfo, query or fragment. A ':' or ',' that ends the URL's
// word ("https://x/feed?key=s: HTTP 500") is kept. Other text is unchanged.
std::string RedactUrls(std::string_view text);

}  // namespace selvhjelp::plugin
