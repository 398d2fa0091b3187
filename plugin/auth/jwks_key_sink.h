#pragma once
// JwksKeySink: a verifier whose keys (some of them) come from JWK Set URLs, for the JwksRefresher
// (plugin/http/jwks_refresher.h) to fetch and hand over. Implementations are thread-safe.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "plugin/auth/jwk.h"

namespace selvhjelp::plugin {

class JwksKeySink {
 public:
  virtual ~JwksKeySink() = default;
  // Every (iss, allowed JWKS URL) pair to fetch.
  virtual std::vector<std::pair<std::string, std::string>> AllowedJku() const = 0;
  // Replaces the keys known for an allowed URL of `iss` (after a fetch). Ignored for a URL that
  // is not on that issuer's allow-list.
  virtual void SetJkuKeys(const std::string& iss, const std::string& url, std::vector<std::shared_ptr<JwsKey>> keys) = 0;
};

}  // namespace selvhjelp::plugin
