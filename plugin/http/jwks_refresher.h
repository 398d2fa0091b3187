#pragma once
// JwksRefresher: fetches the JWK Sets behind every allowed `jku` URL over https (at start-up,
// then every refresh interval) and hands them to a verifier (the CDS Hooks JwtVerifier, the
// AccessTokenVerifier's jwksUri). Never fetches a URL that is not
// on an issuer's allow-list. Runs on its own thread, never in a request handler.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "plugin/auth/jwks_key_sink.h"

namespace selvhjelp::plugin {

class JwksRefresher {
 public:
  // `ca_file`: extra trusted CA certificates (PEM), may be empty. `verifier` must outlive this.
  JwksRefresher(JwksKeySink& verifier, std::filesystem::path ca_file,
                std::chrono::seconds interval = std::chrono::minutes(5));
  ~JwksRefresher();  // stops the thread

  // Fetches every allowed jku once, now (start-up), then starts refreshing in the background.
  // Returns one line per URL that could not be loaded ("<url>: <reason>"); tokens naming such a
  // URL are refused until a later refresh succeeds.
  std::string Start();

 private:
  std::string RefreshAll();
  JwksKeySink& verifier_;
  std::filesystem::path ca_file_;
  std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable stop_changed_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace selvhjelp::plugin
