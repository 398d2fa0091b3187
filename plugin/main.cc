// selvhjelp: the command line. serve | check-config | demo-token | --help.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "fhir/json/json_value.h"
#include <map>
#include <optional>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_writer.h"
#include "fhir/r4/date_time.h"
#include "plugin/auth/jws.h"
#include "plugin/groups/directory_query.h"
#include "plugin/groups/healthcare_service.h"
#include "plugin/groups/hsds_package.h"
#include "plugin/cds/card_builder.h"
#include "plugin/http/http_getter.h"
#include "plugin/auth/authorized_send.h"
#include "plugin/http/jwks_refresher.h"
#include "plugin/http/server.h"
#include "plugin/log.h"
#include "plugin/audit/audit_job.h"
#include "plugin/audit/audit_report_texts.h"
#include "plugin/records/record_correction.h"
#include "plugin/audit/synthetic_export.h"
#include "plugin/cli/command_line.h"
#include "plugin/handout/handout.h"
#include "plugin/records/capability_check.h"
#include "plugin/runtime.h"
#include "plugin/store/store_factory.h"

namespace {

using namespace selvhjelp;

constexpr const char* kAbout =
    "selvhjelp - self-help group suggestions for substance-use treatment (CDS Hooks, FHIR R4)\n\nUsage:\n";
constexpr const char* kExitCodes = "Exit codes: 0 success, 1 invalid config or data, 2 usage error, 3 cannot start.\n";

// One subcommand: the flags it takes and its help.
struct CommandLine {
  cli::CommandSpec spec;
  const char* help;
};

constexpr size_t kAny = static_cast<size_t>(-1);

const std::vector<CommandLine>& Commands() {
  static const std::vector<CommandLine> commands = {
      {{"serve", {"--config", "--port"}, {}, 0, 0}, R"(  selvhjelp serve --config FILE [--port N]
      Serve the CDS Hooks endpoints (GET /cds-services, POST /cds-services/{id},
      POST /cds-services/{id}/feedback), the records endpoints (POST /records,
      GET /records/{id}, POST /fhir/$record-information), GET /directory/groups,
      GET /health and GET /metrics until SIGINT or SIGTERM (requests in flight are answered
      first). --port overrides service.port; --port 0 binds any free port; the
      "listening on" line names it.
)"},
      {{"check-config", {}, {}, 1, 1}, R"(  selvhjelp check-config FILE
      Load the config and every file it names; print every problem as file:line: field: what.
      Exit 0 when valid, 1 otherwise.
)"},
      {{"demo-token", {"--key", "--iss", "--aud", "--kid", "--ttl", "--sub"}, {}, 0, 0},
       R"(  selvhjelp demo-token --key PEM --iss ISS --aud URL [--sub SUB] [--kid KID] [--ttl SECONDS]
      Print a signed JWT as a CDS client would send it (ES384 for EC keys, RS384 for RSA keys),
      for trying the demo with curl; --sub names the caller (the demo's auditor: demo-auditor).
      Never use it with production keys.
)"},
      {{"directory check", {}, {}, 1, 1}, R"(  selvhjelp directory check CONFIG
      Load every group source the config names; print each problem as file:line: field: what.
)"},
      {{"directory list", {"--municipality", "--theme", "--audience"}, {}, 1, 1},
       R"(  selvhjelp directory list CONFIG [--municipality NNNN] [--theme THEME] [--audience person|relatives]
      The groups a clinician's card would show for that place, in order (all groups without
      --municipality).
)"},
      {{"directory export", {"--format", "--out"}, {}, 1, 1}, R"(  selvhjelp directory export CONFIG --format fhir
      The whole directory as a FHIR R4 Bundle (collection) of HealthcareService, on stdout.
  selvhjelp directory export CONFIG --format hsds --out DIR
      The whole directory as an Open Referral HSDS 3.0 data package (datapackage.json + CSV) in DIR.
)"},
      {{"outbox list", {"--state", "--limit"}, {}, 1, 1},
       R"(  selvhjelp outbox list CONFIG [--state pending|delivered|parked|stored] [--limit N]
      Records of information given and their delivery to the EHR: id, state, attempts, created,
      and the last error (parked records: the EHR's reason).
)"},
      {{"outbox retry", {}, {"--all"}, 1, kAny}, R"(  selvhjelp outbox retry CONFIG (--all | RECORD_ID...)
      Make parked records pending again; a running service delivers them within a second.
)"},
      {{"records entered-in-error", {"--config"}, {}, 1, 1},
       R"(  selvhjelp records entered-in-error RECORD_ID --config CONFIG
      Mark a record entered-in-error (a clinician's mistake) in our store, committed before this
      returns: hook decisions and audit --store leave it out at once, and a running service
      corrects the EHR's copy (its resources' status becomes entered-in-error) after the record
      itself is delivered. Marking it again changes nothing.
)"},
      {{"audit", {"--config", "--from", "--to", "--unit", "--bulk", "--out", "--lang"}, {"--fhir", "--store"}, 0, 0},
       R"(  selvhjelp audit --config CONFIG --from YYYY-MM-DD --to YYYY-MM-DD [--unit UNIT]
                  (--fhir | --bulk DIR) [--store] [--lang nb|nn|en] --out DIR
      Evaluate the compliance measure (fhir/conformance/Measure-selvhjelp-information.json) over a
      FHIR Bulk Data export (a folder of .ndjson files) or the FHIR server audit.fhirServer, and
      write DIR/measure-report.json (summary), DIR/measure-report-subject-list.json (the patients
      not informed), DIR/drilldown.csv (one row per patient-episode) and DIR/report.html.
      --store: the information records come from our store (the config's store), not from the
      EHR's Communications; patients and episodes still come from --fhir or --bulk.
      --lang: report.html's language (default: the config's language, else nb).
)"},
      {{"synth", {"--patients", "--seed", "--out", "--from", "--to"}, {}, 0, 0},
       R"(  selvhjelp synth --patients N --seed S --out DIR [--from YYYY-MM-DD --to YYYY-MM-DD]
      Write a synthetic Bulk Data export of N invented patients, and DIR/expected.json with the
      figures the audit must find for that period (default 2026-01-01 to 2026-06-30).
)"},
      {{"handout", {"--config", "--lang", "--audience", "--groups", "--out", "--name", "--date"}, {}, 0, 0},
       R"(  selvhjelp handout --config CONFIG --lang nb|nn|en --audience patient|relatives --groups ID,ID
                    --out FILE.pdf|FILE.html [--name NAME] [--date TEXT]
      The handout for a patient or relatives with the chosen groups (HealthcareService ids as
      GET /directory/groups gives them, or the ids in their source) and what self-help is and is
      not, as PDF or printable HTML. The patient's name is printed only with --name.
)"},
  };
  return commands;
}

// The whole usage, for `selvhjelp --help`.
std::string FullUsage() {
  std::string text = kAbout;
  for (const CommandLine& c : Commands()) text += c.help;
  return text + "  selvhjelp --help\n      This text; SUBCOMMAND --help: that subcommand's.\n\n" + kExitCodes;
}

// The help of every command whose name starts with `prefix` ("outbox" gives list and retry).
std::string HelpFor(const std::string& prefix) {
  std::string text = "Usage:\n";
  for (const CommandLine& c : Commands()) {
    if (c.spec.name == prefix || c.spec.name.rfind(prefix + " ", 0) == 0) text += c.help;
  }
  return text + "\n" + kExitCodes;
}

// Returns the value after `flag`, or empty. Only after CheckCommandLine: flags are known and
// have their values.
std::string Flag(const std::vector<std::string>& args, const std::string& flag) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return {};
}

// A usage error: one line on stderr, exit 2.
int Usage(const std::string& problem) {
  std::cerr << "selvhjelp: " << problem << "\n";
  return 2;
}

// Help asked for, or the flags of `args` (command, its action, then the rest) checked against
// what that command takes. Returns the exit code when main should stop here.
std::optional<int> CheckCommandLine(const std::vector<std::string>& args) {
  std::string name = args[0];
  size_t rest = 1;
  const bool has_actions = name == "directory" || name == "outbox" || name == "records";
  if (has_actions && args.size() > 1 && args[1].rfind("-", 0) != 0) {
    name += " " + args[1];
    rest = 2;
  }
  const std::vector<std::string> words(args.begin() + static_cast<std::ptrdiff_t>(rest), args.end());
  if (cli::WantsHelp(words)) {
    const std::string topic = has_actions && rest == 1 ? args[0] : name;
    std::cout << HelpFor(topic);
    return 0;
  }
  for (const CommandLine& c : Commands()) {
    if (c.spec.name != name) continue;
    Result<cli::ParsedArgs> parsed = cli::ParseArgs(words, c.spec);
    if (!parsed.ok()) return Usage(parsed.status().message());
    return std::nullopt;
  }
  if (has_actions) {
    return Usage(args.size() > 1 ? "unknown " + args[0] + " action '" + args[1] + "' (see selvhjelp " + args[0] + " --help)"
                                 : args[0] + " needs an action (see selvhjelp " + args[0] + " --help)");
  }
  return Usage("unknown command '" + name + "' (see selvhjelp --help)");
}

int Serve(const std::vector<std::string>& args) {
  std::string config = Flag(args, "--config");
  if (config.empty()) return Usage("serve needs --config FILE");
  std::optional<int> port;
  if (std::string p = Flag(args, "--port"); !p.empty()) {
    char* end = nullptr;
    const long value = std::strtol(p.c_str(), &end, 10);
    if (*end != '\0' || value < 0 || value > 65535) return Usage("--port takes a number from 0 (any free port) to 65535");
    port = static_cast<int>(value);
  }
  // Block the stop signals before any thread starts, then wait for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto runtime = plugin::LoadRuntime(config, 0, /*open_store=*/true, plugin::MakeHttpSender);
  if (!runtime.ok()) {
    std::cerr << runtime.status().message() << "\n";
    return runtime.status().code() == StatusCode::kInvalidArgument ? 1 : 3;
  }
  const config::LoggingConfig& logging = (*runtime)->config.logging;
  const bool json_on_stdout = logging.format == "json" && logging.stream == "stdout";
  plugin::ConfigureLog(logging.format == "json" ? plugin::LogFormat::kJson : plugin::LogFormat::kText, logging.stream == "stdout");
  // The start and stop lines go to stdout (scripts wait for them): as log events when the log is
  // JSON there, so every line of stdout is one JSON object.
  auto announce = [json_on_stdout](const char* event, const std::string& line) {
    if (json_on_stdout) return plugin::Log(plugin::LogLevel::kInfo, event, line);
    std::cout << line << std::endl;
  };
  if (port) (*runtime)->config.port = *port;  // 0 too: the server sets the bound port
  plugin::SizeThreadPool((*runtime)->config.threads);  // before any cpprestsdk client or listener
  (*runtime)->directory->LoadLocal();  // snapshots and local files before listening; sources over HTTP after
  // Keys behind allowed jku URLs before the first request can arrive.
  plugin::JwksRefresher refresher(*(*runtime)->verifier, (*runtime)->config.ca_file);
  if (std::string problems = refresher.Start(); !problems.empty()) {
    std::cerr << "selvhjelp: jku keys not loaded (tokens naming them are refused until a refresh succeeds):\n"
              << problems;
  }
  // The access-token issuer's jwksUri (auth.accessTokens), the same way.
  std::optional<plugin::JwksRefresher> access_refresher;
  if ((*runtime)->access_tokens) {
    access_refresher.emplace(*(*runtime)->access_tokens, (*runtime)->config.ca_file);
    if (std::string problems = access_refresher->Start(); !problems.empty()) {
      std::cerr << "selvhjelp: auth.accessTokens.jwksUri not loaded (its tokens are refused until a refresh succeeds):\n"
                << problems;
    }
  }
  auto server = plugin::StartHttpServer(**runtime);  // stopped before the refresher (reverse order)
  if (!server.ok()) {
    std::cerr << "selvhjelp: " << server.status().message() << "\n";
    return 3;
  }
  // Group sources are read in the background: a slow source never delays listening.
  (*runtime)->StartWorkers();
  announce("service.listening", "selvhjelp listening on " + (*server)->url() + " (" +
                                    std::to_string((*runtime)->directory->Current()->size()) +
                                    " groups from snapshots; sources loading)");
  int received = 0;
  sigwait(&signals, &received);
  announce("service.stopping", "selvhjelp stopping");
  (*runtime)->RequestStop();  // outgoing calls end now, so nothing below waits on a peer
  (*server)->Stop();
  (*runtime)->StopWorkers();  // then the stores close with the runtime
  return 0;
}

int CheckConfig(const std::vector<std::string>& args) {
  if (args.size() < 2) return Usage("check-config needs FILE");
  auto runtime = plugin::LoadRuntime(args[1], 0, /*open_store=*/false, plugin::MakeHttpSender);
  if (!runtime.ok()) {
    std::cerr << runtime.status().message() << "\n";
    return 1;
  }
  std::cout << args[1] << ": valid (" << (*runtime)->directory->Current()->size() << " groups, "
            << (*runtime)->config.issuers.size() << " trusted issuers)\n";
  if (std::string note = plugin::CheckWriteBackCapability((*runtime)->write_send, (*runtime)->config.records.fhir_server,
                                                          *(*runtime)->write_back);
      !note.empty()) {
    std::cout << note << "\n";  // a warning only: the config is valid
  }
  return 0;
}

// Where a listed group stands relative to the place asked about.
std::string SectionOf(const plugin::Group& g, const std::string& municipality) {
  if (g.national) return "national";
  if (!plugin::MeetsInPerson(g)) return "digital";
  if (g.address.municipality == municipality) return "municipality";
  if (std::find(g.details->areas.begin(), g.details->areas.end(), municipality) != g.details->areas.end()) return "municipality";
  if (!municipality.empty() && g.address.municipality.compare(0, 2, municipality, 0, 2) == 0) return "county";
  return municipality.empty() ? g.address.municipality : "region or alternative";
}

int Directory(const std::vector<std::string>& args) {
  if (args.size() < 3) return Usage("directory needs check|list|export and CONFIG");
  const std::string& action = args[1];
  auto runtime = plugin::LoadRuntime(args[2], 0, /*open_store=*/false, plugin::MakeHttpSender);
  if (!runtime.ok()) {
    std::cerr << runtime.status().message() << "\n";
    return 1;
  }
  const std::shared_ptr<const plugin::GroupDirectory> current = (*runtime)->directory->Current();
  const plugin::GroupDirectory& directory = *current;
  if (action == "check") {
    std::map<std::string, int> per_source;
    for (const plugin::Group& g : directory.groups()) ++per_source[g.source];
    for (const auto& [source, count] : per_source) std::cout << source << ": " << count << " groups\n";
    std::string rejected;
    for (const plugin::SourceState& s : (*runtime)->directory->States()) {
      for (const std::string& line : s.rejected) rejected += line + "\n";
    }
    if (!rejected.empty()) {
      std::cerr << "records left out:\n" << rejected;
      std::cout << directory.size() << " groups in all; records were left out\n";
      return 1;
    }
    std::cout << directory.size() << " groups in all, no problems\n";
    return 0;
  }
  if (action == "list") {
    std::map<std::string, std::string> parameters;
    for (const char* name : {"municipality", "theme", "audience"}) {
      if (std::string value = Flag(args, std::string("--") + name); !value.empty()) parameters[name] = value;
    }
    auto groups = plugin::QueryDirectory(directory, parameters, (*runtime)->config.max_groups_per_section);
    if (!groups.ok()) return Usage(groups.status().message());
    for (const plugin::Group* g : *groups) {
      std::cout << SectionOf(*g, parameters["municipality"]) << "\t" << g->name << "\t" << g->organisation
                << (g->twelve_step ? ", 12-step" : "") << "\t"
                << (g->meetings.empty() ? "" : g->meetings[0].rrule + " " + g->meetings[0].start_time) << "\t"
                << (plugin::MeetsInPerson(*g) ? g->address.city : "online") << "\n";
    }
    return 0;
  }
  if (action == "export") {
    std::string format = Flag(args, "--format");
    std::vector<const plugin::Group*> all;
    for (const plugin::Group& g : directory.groups()) all.push_back(&g);
    if (format == "hsds") {
      std::string out = Flag(args, "--out");
      if (out.empty()) return Usage("directory export --format hsds needs --out DIR");
      Status written = plugin::WriteHsdsPackage(all, (*runtime)->geography.get(), out);
      if (!written.ok()) {
        std::cerr << written.message() << "\n";
        return 3;
      }
      std::cout << all.size() << " groups written to " << out << "\n";
      return 0;
    }
    if (format != "fhir") return Usage("directory export supports --format fhir and --format hsds");
    std::cout << fhir::WriteJson(plugin::HealthcareServiceBundle(all, "collection", (*runtime)->config.BaseUrl() + "/directory",
                                                                 &(*runtime)->directory->Confirmations()))
              << "\n";
    return 0;
  }
  return Usage("unknown directory action '" + action + "'");
}

std::string IsoMillis(int64_t ms) { return ms ? fhir::IsoInstant(ms / 1000) : "-"; }

// Opens the store the config names, for the operator commands.
Result<std::unique_ptr<plugin::Outbox>> OpenOutbox(const std::string& config_file) {
  SELVHJELP_ASSIGN_OR_RETURN(config::ServiceConfig config, config::LoadConfig(config_file));
  if (config.postgres.url.empty() && !std::filesystem::exists(config.store_path)) {
    return NotFoundError(config.store_path.string() + ": no store yet");
  }
  return plugin::OpenOutbox(config);
}

int Outbox(const std::vector<std::string>& args) {
  if (args.size() < 3) return Usage("outbox needs list|retry and CONFIG");
  const std::string& action = args[1];
  if (action != "list" && action != "retry") return Usage("unknown outbox action '" + action + "'");
  auto outbox = OpenOutbox(args[2]);
  if (!outbox.ok()) {
    std::cerr << outbox.status().message() << "\n";
    return outbox.status().code() == StatusCode::kInvalidArgument ? 1 : 3;
  }
  if (action == "list") {
    std::string state = Flag(args, "--state");
    if (!state.empty() && state != "pending" && state != "delivered" && state != "parked" && state != "stored") {
      return Usage("--state takes pending, delivered, parked or stored");
    }
    int limit = Flag(args, "--limit").empty() ? 100 : std::atoi(Flag(args, "--limit").c_str());
    if (limit <= 0) return Usage("--limit takes a positive number");
    auto entries = (*outbox)->List(state, limit);
    if (!entries.ok()) {
      std::cerr << entries.status().message() << "\n";
      return 3;
    }
    std::cout << "record\tstate\tattempts\tcreated\tnext attempt\tlast error\n";
    for (const plugin::OutboxEntry& e : *entries) {
      std::cout << e.record_id << "\t" << e.state << "\t" << e.attempts << "\t" << IsoMillis(e.created_ms) << "\t"
                << (e.state == "pending" ? IsoMillis(e.next_attempt_ms) : "-") << "\t"
                << (e.last_error.empty() ? "-" : e.last_error) << "\n";
    }
    auto counts = (*outbox)->Counts();
    if (counts.ok()) {
      std::cout << counts->pending << " pending, " << counts->delivered << " delivered, " << counts->parked
                << " parked, " << counts->stored << " stored\n";
    }
    return 0;
  }
  std::vector<std::string> ids;
  bool all = false;
  for (size_t i = 3; i < args.size(); ++i) {
    if (args[i] == "--all") all = true;
    else ids.push_back(args[i]);
  }
  if (all == !ids.empty()) return Usage("outbox retry needs --all or record ids (not both)");
  auto changed = (*outbox)->Retry(ids);
  if (!changed.ok()) {
    std::cerr << changed.status().message() << "\n";
    return 3;
  }
  std::cout << *changed << " parked record(s) made pending\n";
  if (!all && *changed < static_cast<int64_t>(ids.size())) {
    std::cerr << "selvhjelp: " << ids.size() - *changed << " id(s) were not parked records\n";
    return 1;
  }
  return 0;
}

int Records(const std::vector<std::string>& args) {
  const std::string config_file = Flag(args, "--config");
  if (config_file.empty()) return Usage("records entered-in-error needs --config");
  std::string id;
  for (size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--config") ++i;
    else id = args[i];
  }
  auto outbox = OpenOutbox(config_file);
  if (!outbox.ok()) {
    std::cerr << outbox.status().message() << "\n";
    return outbox.status().code() == StatusCode::kInvalidArgument ? 1 : 3;
  }
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  auto marked = (*outbox)->MarkEnteredInError(id, now_ms, plugin::BuildCorrectionBundle);
  if (!marked.ok()) {
    std::cerr << "selvhjelp: " << id << ": " << marked.status().message() << "\n";
    return marked.status().code() == StatusCode::kNotFound ? 1 : 3;
  }
  std::cout << id << (*marked == plugin::Outbox::Marked::kMarked
                          ? ": marked entered-in-error; the EHR's copy is corrected by the running service\n"
                          : ": was already marked entered-in-error\n");
  return 0;
}

// Loads the config and its diagnosis tables, the parts the audit needs.
struct AuditSetup {
  config::ServiceConfig config;
  std::unique_ptr<mappings::DiagnosisTable> diagnoses;
};

Result<AuditSetup> LoadAuditSetup(const std::string& file) {
  AuditSetup setup;
  SELVHJELP_ASSIGN_OR_RETURN(setup.config, config::LoadConfig(file));
  std::vector<std::filesystem::path> files = {setup.config.mappings_dir / "substance-use-diagnoses.json"};
  for (const auto& f : setup.config.extra_diagnosis_files) files.push_back(f);
  SELVHJELP_ASSIGN_OR_RETURN(mappings::DiagnosisTable table,
                             mappings::DiagnosisTable::Load(files, setup.config.lifted_exclusions));
  setup.diagnoses = std::make_unique<mappings::DiagnosisTable>(std::move(table));
  return setup;
}

bool HasFlag(const std::vector<std::string>& args, const std::string& flag) {
  return std::find(args.begin(), args.end(), flag) != args.end();
}

int HandoutCommand(const std::vector<std::string>& args) {
  const std::string config_file = Flag(args, "--config"), lang = Flag(args, "--lang"),
                    audience = Flag(args, "--audience"), ids = Flag(args, "--groups"), out = Flag(args, "--out");
  if (config_file.empty() || lang.empty() || audience.empty() || out.empty()) {
    return Usage("handout needs --config, --lang, --audience and --out");
  }
  if (audience != "patient" && audience != "relatives") return Usage("--audience takes patient or relatives");
  const bool html = out.size() > 5 && out.compare(out.size() - 5, 5, ".html") == 0;
  if (!html && !(out.size() > 4 && out.compare(out.size() - 4, 4, ".pdf") == 0)) {
    return Usage("--out takes a file name ending in .pdf or .html");
  }
  auto runtime = plugin::LoadRuntime(config_file, 0, /*open_store=*/false, plugin::MakeHttpSender);
  if (!runtime.ok()) {
    std::cerr << runtime.status().message() << "\n";
    return 1;
  }
  if (!(*runtime)->handout_texts->HasLanguage(lang)) return Usage("--lang: no handout texts in '" + lang + "'");
  plugin::Handout handout;
  handout.texts = (*runtime)->handout_texts.get();
  handout.language = lang;
  handout.audience = audience == "patient" ? plugin::HandoutAudience::kPatient : plugin::HandoutAudience::kRelatives;
  handout.print_name = Flag(args, "--name");
  handout.date = Flag(args, "--date");
  const std::shared_ptr<const plugin::GroupDirectory> directory = (*runtime)->directory->Current();
  for (size_t start = 0; start < ids.size();) {
    size_t end = std::min(ids.find(',', start), ids.size());
    const std::string id = ids.substr(start, end - start);
    start = end + 1;
    if (id.empty()) continue;
    const plugin::Group* found = directory->Find(id);
    for (const plugin::Group& g : directory->groups()) {
      if (found == nullptr && g.id == id) found = &g;  // the id in its source
    }
    if (found == nullptr) return Usage("--groups: no group '" + id + "' in the directory");
    handout.groups.push_back(*found);
  }
  std::string bytes;
  if (html) {
    bytes = plugin::RenderHandoutHtml(handout);
  } else {
    auto pdf = plugin::RenderHandoutPdf(handout);
    if (!pdf.ok()) {
      std::cerr << "selvhjelp: " << pdf.status().message() << "\n";
      return 1;
    }
    bytes = std::move(*pdf);
  }
  std::ofstream file(out, std::ios::binary);
  file << bytes;
  if (!file.flush()) {
    std::cerr << "selvhjelp: cannot write " << out << "\n";
    return 3;
  }
  std::cout << out << ": " << handout.groups.size() << " groups, " << lang << ", " << audience << "\n";
  return 0;
}

// Our store's records for audit --store, keyed as the service keys them (records.fhirServer).
Result<plugin::StoreRecords> LoadStoreRecords(const config::ServiceConfig& config) {
  if (config.postgres.url.empty() && !std::filesystem::exists(config.store_path)) {
    return NotFoundError(config.store_path.string() + ": no store yet");
  }
  SELVHJELP_ASSIGN_OR_RETURN(plugin::Store store, plugin::OpenStore(config, plugin::StoreUse::kReadRecords));
  std::shared_ptr<const plugin::Ledger> keys(std::move(store.ledger));  // outlives the outbox, which notes writes in it
  return plugin::StoreRecords::Load(*store.outbox, [keys, server = config.records.fhir_server](std::string_view patient) {
    return keys->SubjectKey(server, std::string(patient));
  });
}

int Audit(const std::vector<std::string>& args) {
  plugin::AuditJob job{Flag(args, "--from"), Flag(args, "--to"), Flag(args, "--unit"), Flag(args, "--bulk"),
                       Flag(args, "--out"), {}, Flag(args, "--lang")};
  const std::string config_file = Flag(args, "--config");
  if (config_file.empty() || job.from.empty() || job.to.empty() || job.out_dir.empty()) {
    return Usage("audit needs --config, --from, --to and --out");
  }
  if (job.bulk_dir.empty() == !HasFlag(args, "--fhir")) return Usage("audit needs --fhir or --bulk DIR (one of them)");
  if (!job.language.empty() && !plugin::HasAuditReportLanguage(job.language)) return Usage("--lang takes nb, nn or en");
  auto setup = LoadAuditSetup(config_file);
  if (!setup.ok()) {
    std::cerr << setup.status().message() << "\n";
    return 1;
  }
  const config::AuditConfig& audit = setup->config.audit;
  plugin::AuditSource source;
  std::unique_ptr<plugin::AccessTokenSource> tokens;
  if (job.bulk_dir.empty()) {
    source.send = plugin::MakeHttpSender(setup->config.ca_file, std::chrono::seconds(60));
    auto made = plugin::MakeTokenSource(audit.auth, audit.fhir_server, source.send, "audit.auth");
    if (!made.ok()) {
      std::cerr << made.status().message() << "\n";
      return 1;
    }
    tokens = std::move(made).value();
    source.tokens = tokens.get();
    source.send = plugin::MakeAuthorizedSend(source.send, {{audit.fhir_server, tokens.get(), audit.auth.headers}});
  }
  const bool terminal = ::isatty(STDERR_FILENO);
  source.progress = [terminal](const std::string& what) {
    if (terminal) std::cerr << "\r\x1b[Kselvhjelp audit: " << what << std::flush;
  };
  std::optional<plugin::StoreRecords> store_records;
  if (HasFlag(args, "--store")) {
    auto loaded = LoadStoreRecords(setup->config);
    if (!loaded.ok()) {
      std::cerr << "selvhjelp audit: " << loaded.status().message() << "\n";
      return 3;
    }
    store_records = std::move(loaded).value();
    source.store_records = &*store_records;
  }
  auto output = plugin::RunAuditJob(job, setup->config, *setup->diagnoses, source);
  if (terminal) std::cerr << "\r\x1b[K";
  if (!output.ok()) {
    std::cerr << "selvhjelp audit: " << output.status().message() << "\n";
    if (output.status().code() != StatusCode::kInvalidArgument) return 3;
    // A problem with one of our flags is a usage error; anything else is in the config or data.
    const plugin::AuditJob::Names& flags = job.names;
    for (const Issue& issue : output.status().issues()) {
      if (issue.expression == flags.from || issue.expression == flags.to || issue.expression == flags.unit) return 2;
    }
    return 1;
  }
  auto share = [](const plugin::Tally& t) {
    std::optional<double> score = t.Score();
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %%", score.value_or(0.0) * 100.0);
    return score ? std::string(text) : std::string("-");
  };
  const plugin::Tally& p = output->tally.patients.total;
  const plugin::Tally& r = output->tally.relatives.total;
  std::cout << "patients:  " << p.initial << " episodes, " << p.excluded << " excluded, " << p.numerator << " informed ("
            << share(p) << ")\n"
            << "relatives: " << r.initial << " episodes, " << r.excluded << " excluded, " << r.numerator << " informed ("
            << share(r) << ")\n"
            << "read " << output->resources << " resources (" << (output->bytes >> 20) << " MB); wrote "
            << job.out_dir.string() << "/{measure-report.json,measure-report-subject-list.json,drilldown.csv,report.html}\n";
  return 0;
}

int Synth(const std::vector<std::string>& args) {
  const std::string patients = Flag(args, "--patients"), seed = Flag(args, "--seed"), out = Flag(args, "--out");
  if (patients.empty() || seed.empty() || out.empty()) return Usage("synth needs --patients, --seed and --out");
  plugin::SyntheticExportSpec spec;
  char* end = nullptr;
  spec.patients = std::strtoll(patients.c_str(), &end, 10);
  if (*end != '\0' || spec.patients <= 0) return Usage("--patients takes a positive number");
  spec.seed = std::strtoull(seed.c_str(), &end, 10);
  if (*end != '\0') return Usage("--seed takes a number");
  const std::string from = Flag(args, "--from").empty() ? "2026-01-01" : Flag(args, "--from");
  const std::string to = Flag(args, "--to").empty() ? "2026-06-30" : Flag(args, "--to");
  std::optional<int64_t> from_day = fhir::EpochDay(from), to_day = fhir::EpochDay(to);
  if (!from_day || !to_day || *to_day < *from_day) return Usage("--from and --to take dates YYYY-MM-DD, in order");
  spec.from_day = *from_day;
  spec.to_day = *to_day;
  auto expected = plugin::WriteSyntheticExport(spec, out);
  if (!expected.ok()) {
    std::cerr << expected.status().message() << "\n";
    return 3;
  }
  const fhir::JsonValue& g = *expected->FindPath({"groups", "patients"});
  std::cout << spec.patients << " synthetic patients written to " << out << "; for " << from << " to " << to << ": "
            << *g.FindInt("initialPopulation") << " episodes, " << *g.FindInt("denominatorExclusion") << " excluded, "
            << *g.FindInt("numerator") << " informed (see expected.json)\n";
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
  if (std::string sub = Flag(args, "--sub"); !sub.empty()) claims.Set("sub", sub);
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
  if (args.empty()) return Usage("no command given (see selvhjelp --help)");
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << FullUsage();
    return 0;
  }
  if (std::optional<int> stop = CheckCommandLine(args)) return *stop;
  if (command == "serve") return Serve(args);
  if (command == "check-config") return CheckConfig(args);
  if (command == "demo-token") return DemoToken(args);
  if (command == "directory") return Directory(args);
  if (command == "outbox") return Outbox(args);
  if (command == "audit") return Audit(args);
  if (command == "records") return Records(args);
  if (command == "synth") return Synth(args);
  if (command == "handout") return HandoutCommand(args);
  return Usage("unknown command '" + command + "' (see selvhjelp --help)");
}
