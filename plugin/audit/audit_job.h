#pragma once
// One audit run as the command line and the $evaluate-measure endpoint ask for it: the period,
// an optional unit, and either a Bulk Data export folder or the configured FHIR server.
#include <filesystem>
#include <functional>
#include <string>

#include "config/service_config.h"
#include "fhir/base/result.h"
#include "mappings/diagnosis_table.h"
#include "plugin/audit/audit_run.h"
#include "plugin/audit/store_records.h"
#include "plugin/auth/access_token_source.h"
#include "plugin/net/http_call.h"

namespace selvhjelp::plugin {

struct AuditJob {
  std::string from, to;  // YYYY-MM-DD, inclusive
  std::string unit;      // a unit's reference or name; empty: all
  std::filesystem::path bulk_dir;  // read this export, or (empty) the FHIR server audit.fhirServer
  std::filesystem::path out_dir;
  // What errors call the period and unit: the command line's flags, or the operation's parameters.
  struct Names {
    std::string from = "--from", to = "--to", unit = "--unit";
  } names;
  std::string language;  // report.html's (nb, nn, en); empty: the config's language, else nb
};

struct AuditSource {
  HttpSend send;                        // for audit.fhirServer
  AccessTokenSource* tokens = nullptr;  // its token
  std::function<void(const std::string& what)> progress;  // "reading 41 % (812 MB of 1.9 GB)" and the like
  const StoreRecords* store_records = nullptr;  // audit --store: the records from our store
};

// InvalidArgument "<names.from>: ..." and the like for a bad period or unit; otherwise RunAudit's
// errors.
[[nodiscard]] Result<AuditOutput> RunAuditJob(const AuditJob& job, const config::ServiceConfig& config,
                                              const mappings::DiagnosisTable& diagnoses, const AuditSource& source);

}  // namespace selvhjelp::plugin
