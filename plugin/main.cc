// selvhjelp: the command line. serve | check-config | demo-token | --help.
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "fhir/json/json_value.h"
#include "plugin/auth/jws.h"
#include "plugin/cds/card_builder.h"
#include "plugin/http/jwks_refresher.h"
#include "plugin/http/server.h"
#include "plugin/runtime.h"

namespace {

using namespace selvhjelp;

constexpr const char* kUsage = R"(selvhjelp - self-help group suggestions for substance-use treatment (CDS Hooks, FHIR R4)

Usage:
  selvhjelp serve --config FILE [--port N]
      Serve the CDS Hooks endpoints (GET /cds-services, POST /cds-services/{id},
      POST /cds-services/{id}/feedback, GET /health) until SIGINT or SIGTERM.
  selvhjelp check-config FILE
      Load the config and every file it names; print every problem as file:line: field: what.
      Exit 0 when valid, 1 otherwise.
  selvhjelp demo-token --key PEM --iss ISS --aud URL [--kid KID] [--ttl SECONDS]
      Print a signed JWT as a CDS client would send it (ES384 for EC keys, RS384 for RSA keys),
      for trying the demo with curl. Never use it with production keys.
  selvhjelp --help

Exit codes: 0 success, 1 invalid config or data, 2 usage error, 3 cannot start.
)";

// Returns the value after `flag`, or empty.
std::string Flag(const std::vector<std::string>& args, const std::string& flag) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return {};
}

int Usage(const std::string& problem) {
  std::cerr << "selvhjelp: " << problem << "\n\n" << kUsage;
  return 2;
}

int Serve(const std::vector<std::string>& args) {
  std::string config = Flag(args, "--config");
  if (config.empty()) return Usage("serve needs --config FILE");
  int port = 0;
  if (std::string p = Flag(args, "--port"); !p.empty()) {
    port = std::atoi(p.c_str());
    if (port <= 0 || port > 65535) return Usage("--port takes a number from 1 to 65535");
  }
  // Block the stop signals before any thread starts, then wait for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto runtime = plugin::LoadRuntime(config, port, /*open_store=*/true);
  if (!runtime.ok()) {
    std::cerr << runtime.status().message() << "\n";
    return runtime.status().code() == StatusCode::kInvalidArgument ? 1 : 3;
  }
  auto server = plugin::StartHttpServer(**runtime);
  // After the server sized the thread pool: the fetch uses cpprestsdk's client.
  plugin::JwksRefresher refresher(*(*runtime)->verifier, (*runtime)->config.ca_file);
  if (server.ok()) {
    std::string problems = refresher.Start();
    if (!problems.empty()) std::cerr << "selvhjelp: jku keys not loaded (tokens naming them are refused until a refresh succeeds):\n" << problems;
  }
  if (!server.ok()) {
    std::cerr << "selvhjelp: " << server.status().message() << "\n";
    return 3;
  }
  std::cout << "selvhjelp listening on " << (*server)->url() << " (" << (*runtime)->groups->size()
            << " groups)" << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  std::cout << "selvhjelp stopping" << std::endl;
  (*server)->Stop();
  return 0;
}

int CheckConfig(const std::vector<std::string>& args) {
  if (args.size() < 2) return Usage("check-config needs FILE");
  auto runtime = plugin::LoadRuntime(args[1], 0, /*open_store=*/false);
  if (!runtime.ok()) {
    std::cerr << runtime.status().message() << "\n";
    return 1;
  }
  std::cout << args[1] << ": valid (" << (*runtime)->groups->size() << " groups, "
            << (*runtime)->config.issuers.size() << " trusted issuers)\n";
  return 0;
}

int DemoToken(const std::vector<std::string>& args) {
  std::string key_file = Flag(args, "--key"), iss = Flag(args, "--iss"), aud = Flag(args, "--aud");
  if (key_file.empty() || iss.empty() || aud.empty()) return Usage("demo-token needs --key, --iss and --aud");
  std::string kid = Flag(args, "--kid");
  int ttl = Flag(args, "--ttl").empty() ? 300 : std::atoi(Flag(args, "--ttl").c_str());
  auto key = plugin::LoadPrivateKeyPem(key_file, kid.empty() ? "demo-ehr-key" : kid);
  if (!key.ok()) {
    std::cerr << key.status().message() << "\n";
    return 1;
  }
  int64_t now = std::time(nullptr);
  fhir::JsonValue claims = fhir::JsonValue::Object();
  claims.Set("iss", iss);
  claims.Set("aud", aud);
  claims.Set("iat", fhir::JsonValue::Int(now));
  claims.Set("exp", fhir::JsonValue::Int(now + ttl));
  claims.Set("jti", plugin::NewUuid());
  auto token = plugin::SignJws(fhir::JsonValue::Object(), claims, **key);
  if (!token.ok()) {
    std::cerr << token.status().message() << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("no command given");
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "serve") return Serve(args);
  if (command == "check-config") return CheckConfig(args);
  if (command == "demo-token") return DemoToken(args);
  return Usage("unknown command '" + command + "'");
}
