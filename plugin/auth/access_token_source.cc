#include "plugin/auth/access_token_source.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_reader.h"
#include "plugin/auth/jws.h"
#include "plugin/cds/card_builder.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

std::string FormEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

namespace {

class StaticTokenSource : public AccessTokenSource {
 public:
  explicit StaticTokenSource(std::string token) : token_(std::move(token)) {}
  Result<std::string> Token() override { return token_; }

 private:
  std::string token_;
};

// Whether a list in the SMART configuration allows `value` (an absent list allows everything).
bool Allows(const JsonValue& config, std::string_view key, std::string_view value) {
  const JsonValue* list = config.Find(key);
  if (list == nullptr || !list->is_array()) return true;
  for (const JsonValue& item : list->items()) {
    if (item.AsString() == value) return true;
  }
  return false;
}

class BackendServicesTokenSource : public AccessTokenSource {
 public:
  BackendServicesTokenSource(BackendServicesSettings settings, HttpSend send, std::function<int64_t()> clock)
      : settings_(std::move(settings)), send_(std::move(send)), clock_(std::move(clock)),
        alg_(settings_.key->SigningAlg()), use_dpop_(settings_.dpop && settings_.prover != nullptr),
        token_endpoint_(settings_.token_endpoint) {}

  Result<std::string> Token() override {
    std::lock_guard<std::mutex> lock(mutex_);  // one exchange at a time; the rest wait for its token
    const int64_t now = clock_();
    if (!token_.empty() && now < expires_at_) return token_;
    if (token_endpoint_.empty()) {
      SELVHJELP_ASSIGN_OR_RETURN(token_endpoint_, Discover());
    }
    // A second attempt, once: with the nonce the server demanded (use_dpop_nonce), or with a
    // proof for a server that wants DPoP although the config did not ask for it.
    SELVHJELP_ASSIGN_OR_RETURN(HttpResponse response, Exchange(now));
    Result<JsonValue> body = fhir::ParseJson(response.body);
    std::string error = body.ok() ? std::string(body->FindString("error").value_or("")) : "";
    if (response.status == 400 && settings_.prover != nullptr &&
        ((error == "use_dpop_nonce" && use_dpop_ && settings_.prover->RememberNonce(token_endpoint_, response.dpop_nonce)) ||
         (error == "invalid_dpop_proof" && !use_dpop_))) {
      use_dpop_ = true;
      SELVHJELP_ASSIGN_OR_RETURN(response, Exchange(now));
      body = fhir::ParseJson(response.body);
      error = body.ok() ? std::string(body->FindString("error").value_or("")) : "";
    }
    if (use_dpop_) settings_.prover->RememberNonce(token_endpoint_, response.dpop_nonce);
    if (response.status >= 400 && response.status < 500) {
      return PermissionDeniedError("token endpoint refused the client (HTTP " + std::to_string(response.status) +
                                   (error.empty() ? "" : ", " + error) + ")");
    }
    if (response.status != 200) {
      return UnavailableError("token endpoint answered HTTP " + std::to_string(response.status));
    }
    if (!body.ok() || !body->FindString("access_token")) {
      return UnavailableError("token endpoint: the answer has no access_token");
    }
    token_ = std::string(*body->FindString("access_token"));
    std::string type(body->FindString("token_type").value_or("Bearer"));
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (type == "dpop" && !use_dpop_) return UnavailableError("token endpoint: a DPoP token without a proof");
    bound_ = type == "dpop";  // a server that did not bind the token may still be sent a proof: not needed
    // Renew a minute early (or halfway, for short-lived tokens) so a token never expires in flight.
    const int64_t lifetime = body->FindInt("expires_in").value_or(300);
    expires_at_ = now + std::max<int64_t>(lifetime / 2, lifetime - 60);
    return token_;
  }

  std::shared_ptr<DpopProver> DpopProofs() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return bound_ ? settings_.prover : nullptr;
  }

  void Invalidate() override {
    std::lock_guard<std::mutex> lock(mutex_);
    token_.clear();
  }

  int64_t token_requests() const override { return requests_.load(); }

 private:
  Result<std::string> Discover() {
    const std::string url = settings_.fhir_server + "/.well-known/smart-configuration";
    SELVHJELP_ASSIGN_OR_RETURN(HttpResponse response, send_(HttpRequestSpec{"GET", url, {{"Accept", "application/json"}}, ""}));
    if (response.status != 200) {
      return UnavailableError("SMART configuration: " + url + " answered HTTP " + std::to_string(response.status));
    }
    Result<JsonValue> config = fhir::ParseJson(response.body);
    if (!config.ok() || !config->FindString("token_endpoint")) {
      return UnavailableError("SMART configuration at " + url + " names no token_endpoint");
    }
    if (!Allows(*config, "token_endpoint_auth_methods_supported", "private_key_jwt")) {
      return PermissionDeniedError("SMART configuration: the server does not accept private_key_jwt");
    }
    if (!Allows(*config, "token_endpoint_auth_signing_alg_values_supported", alg_)) {
      return PermissionDeniedError("SMART configuration: the server does not accept " + alg_ + " assertions");
    }
    return std::string(*config->FindString("token_endpoint"));
  }

  // One token request, with a new assertion (and a new proof when DPoP is used).
  Result<HttpResponse> Exchange(int64_t now) {
    SELVHJELP_ASSIGN_OR_RETURN(std::string assertion, Assertion(now));
    HttpRequestSpec request;
    request.method = "POST";
    request.url = token_endpoint_;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    if (use_dpop_) {
      SELVHJELP_ASSIGN_OR_RETURN(request.headers["DPoP"], settings_.prover->Proof("POST", token_endpoint_));
    }
    request.body = "grant_type=client_credentials&scope=" + FormEncode(settings_.scope) +
                   "&client_assertion_type=" + FormEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
                   "&client_assertion=" + FormEncode(assertion);
    for (const auto& [name, value] : settings_.token_parameters) request.body += "&" + FormEncode(name) + "=" + FormEncode(value);
    ++requests_;
    return send_(request);
  }

  // Lives kAssertionLifetimeSeconds; a new jti each time, so a server can refuse a replay.
  Result<std::string> Assertion(int64_t now) {
    JsonValue claims = JsonValue::Object();
    claims.Set("iss", settings_.client_id);
    claims.Set("sub", settings_.client_id);
    claims.Set("aud", settings_.assertion_audience.empty() ? token_endpoint_ : settings_.assertion_audience);
    claims.Set("exp", JsonValue::Int(now + kAssertionLifetimeSeconds));
    claims.Set("iat", JsonValue::Int(now));
    claims.Set("nbf", JsonValue::Int(now));
    claims.Set("jti", NewUuid());
    return SignJws(JsonValue::Object(), claims, *settings_.key);
  }

  const BackendServicesSettings settings_;
  const HttpSend send_;
  const std::function<int64_t()> clock_;
  const std::string alg_;
  mutable std::mutex mutex_;
  bool use_dpop_;               // proofs on token requests: configured, or demanded by the server
  bool bound_ = false;          // token_ is DPoP-bound
  std::string token_endpoint_;  // configured, or discovered once
  std::string token_;
  int64_t expires_at_ = 0;
  std::atomic<int64_t> requests_{0};
};

}  // namespace

std::unique_ptr<AccessTokenSource> MakeStaticTokenSource(std::string token) {
  return std::make_unique<StaticTokenSource>(std::move(token));
}

std::unique_ptr<AccessTokenSource> MakeBackendServicesTokenSource(BackendServicesSettings settings, HttpSend send,
                                                                  std::function<int64_t()> clock) {
  auto source = std::make_unique<BackendServicesTokenSource>(std::move(settings), std::move(send), std::move(clock));
  return source;
}

}  // namespace selvhjelp::plugin
