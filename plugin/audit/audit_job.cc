#include "plugin/audit/audit_job.h"

#include <chrono>
#include <unistd.h>

#include "fhir/base/status_macros.h"
#include "fhir/r4/date_time.h"
#include "plugin/audit/audit_report_texts.h"
#include "plugin/audit/fhir_export.h"

namespace selvhjelp::plugin {

namespace fs = std::filesystem;

Result<AuditOutput> RunAuditJob(const AuditJob& job, const config::ServiceConfig& config,
                                const mappings::DiagnosisTable& diagnoses, const AuditSource& source) {
  AuditRules rules;
  rules.diagnoses = &diagnoses;
  std::optional<int64_t> from = fhir::EpochDay(job.from), to = fhir::EpochDay(job.to);
  const AuditJob::Names& names = job.names;
  if (job.from.size() != 10 || !from) return FieldError(names.from, "expected a date YYYY-MM-DD");
  if (job.to.size() != 10 || !to) return FieldError(names.to, "expected a date YYYY-MM-DD");
  if (*to < *from) return FieldError(names.to, "before " + names.from);
  rules.from_day = *from;
  rules.to_day = *to;
  for (const auto& type : config.audit.episode_types) rules.episode_types.insert(type);
  for (const config::AuditUnit& unit : config.audit.units) rules.unit_names[unit.reference] = unit.name;
  rules.transferred_out_days = config.audit.transferred_out_days;
  rules.unit = job.unit;
  rules.store_records = source.store_records;
  if (!job.unit.empty() && !rules.unit_names.empty()) {
    bool known = false;
    for (const auto& [reference, name] : rules.unit_names) known = known || job.unit == reference || job.unit == name;
    if (!known) return FieldError(names.unit, "not one of audit.units (give its reference or name)");
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  std::string language = job.language.empty() ? config.language : job.language;
  if (!HasAuditReportLanguage(language)) language = "nb";
  const ReportPeriod period{job.from, job.to, fhir::IsoInstant(now), language};

  fs::path bulk = job.bulk_dir;
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ec;
      if (!path.empty()) fs::remove_all(path, ec);
    }
  } cleanup;
  if (bulk.empty()) {
    if (config.audit.fhir_server.empty()) return FailedPreconditionError("audit.fhirServer: not configured");
    bulk = cleanup.path = job.out_dir / (".download-" + std::to_string(::getpid()));
    SELVHJELP_RETURN_IF_ERROR(DownloadForAudit(source.send, *source.tokens, config.audit.fhir_server, config.audit.page_size, bulk,
                                               [&source](int64_t n) {
                                                 if (source.progress) source.progress("read " + std::to_string(n) + " resources");
                                               }));
  }
  return RunAudit(bulk, job.out_dir, rules, ShippedMeasure(), period, [&source](int64_t done, int64_t total) {
    if (!source.progress || total == 0) return;
    source.progress(std::to_string(done * 100 / total) + " % (" + std::to_string(done >> 20) + " of " +
                    std::to_string(total >> 20) + " MB)");
  });
}

}  // namespace selvhjelp::plugin
