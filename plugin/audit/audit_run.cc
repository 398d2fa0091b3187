#include "plugin/audit/audit_run.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <memory>
#include <unordered_map>
#include <vector>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_view.h"
#include "fhir/json/json_writer.h"
#include "plugin/audit/audit_facts.h"
#include "plugin/audit/audit_html.h"
#include "plugin/audit/episode_evaluator.h"

namespace selvhjelp::plugin {

namespace fs = std::filesystem;

namespace {

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<FILE, FileCloser>;

File Open(const fs::path& path, const char* mode) {
  File f(std::fopen(path.c_str(), mode));
  if (f) std::setvbuf(f.get(), nullptr, _IOFBF, 1 << 20);
  return f;
}

std::string Csv(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// A line buffer for POSIX getline, freed however RunAudit ends.
struct LineBuffer {
  char* data = nullptr;
  size_t capacity = 0;
  ~LineBuffer() { std::free(data); }
};

// Removes the partition folder however RunAudit ends.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

std::string DrilldownHeader() {
  return "patient,identifier,episode,unit,start,end,excluded,informed,informed_on,level,response,relatives,"
         "relatives_informed\n";
}

std::string DrilldownRow(const EpisodeResult& e) {
  std::string row;
  for (const std::string& field :
       {e.patient_id, e.identifier, e.episode, e.unit, DayText(e.start), DayText(e.end), e.exclusion,
        std::string(e.informed ? "yes" : "no"), e.informed ? DayText(e.informed_day) : std::string(),
        e.informed ? std::string(LevelCode(e.level)) : std::string(), e.informed ? e.response : std::string(),
        std::to_string(e.relatives),
        std::string(e.relatives == 0 ? "" : e.relatives_informed ? "yes" : "no")}) {
    row += (row.empty() ? "" : ",") + Csv(field);
  }
  return row + "\n";
}

Result<AuditOutput> RunAudit(const fs::path& bulk_dir, const fs::path& out_dir, const AuditRules& rules,
                             const fhir::JsonValue& measure, const ReportPeriod& period, const AuditProgress& progress,
                             int64_t partition_bytes) {
  SELVHJELP_RETURN_IF_ERROR(CheckMeasure(measure));
  std::error_code ec;
  if (!fs::is_directory(bulk_dir, ec)) return NotFoundError(bulk_dir.string() + ": no such folder");
  std::vector<fs::path> files;
  AuditOutput output;
  int64_t total = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(bulk_dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".ndjson") {
      files.push_back(entry.path());
      total += static_cast<int64_t>(entry.file_size());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) return NotFoundError(bulk_dir.string() + ": no .ndjson files");
  fs::create_directories(out_dir, ec);
  if (ec) return UnavailableError(out_dir.string() + ": cannot be created");

  // Pass 1: every resource's facts, split by patient into partitions on disk.
  output.partitions = static_cast<int>(std::clamp<int64_t>(total / std::max<int64_t>(partition_bytes, 1) + 1, 1, 512));
  TempDir temp{out_dir / (".partitions-" + std::to_string(::getpid()))};
  fs::create_directories(temp.path, ec);
  std::vector<File> partitions;
  for (int i = 0; i < output.partitions; ++i) {
    partitions.push_back(Open(temp.path / std::to_string(i), "w"));
    if (!partitions.back()) return UnavailableError(temp.path.string() + ": cannot write partitions");
  }
  fhir::JsonDocument document;
  const std::hash<std::string_view> hash;
  LineBuffer buffer;
  int64_t done = 0, next_report = 0;
  for (const fs::path& path : files) {
    File in = Open(path, "r");
    if (!in) return UnavailableError(path.string() + ": cannot be read");
    int64_t line_number = 0;
    ssize_t length;
    while ((length = ::getline(&buffer.data, &buffer.capacity, in.get())) > 0) {
      char* line = buffer.data;
      ++line_number;
      done += length;
      if (length == 1 && line[0] == '\n') continue;
      Status parsed = document.ParseInPlace(line);
      if (!parsed.ok()) return InvalidArgumentError(path.string() + ":" + std::to_string(line_number) + ": not JSON (" + parsed.message() + ")");
      if (document.root().String("resourceType").empty()) {
        return InvalidArgumentError(path.string() + ":" + std::to_string(line_number) + ": not a FHIR resource (no resourceType)");
      }
      ++output.resources;
      std::optional<std::string> fact = FactLine(document.root(), rules);
      if (fact) {
        std::string_view patient = std::string_view(*fact).substr(2, fact->find('\t', 2) - 2);
        FILE* partition = partitions[hash(patient) % partitions.size()].get();
        fact->push_back('\n');
        std::fwrite(fact->data(), 1, fact->size(), partition);
      }
      if (progress && done >= next_report) {
        progress(done, total);
        next_report = done + (4 << 20);
      }
    }
  }
  output.bytes = done;
  if (progress) progress(done, total);
  for (File& f : partitions) {
    if (std::fflush(f.get()) != 0) return UnavailableError(temp.path.string() + ": disk full?");
  }
  partitions.clear();

  // Pass 2: one partition at a time, every patient's episodes.
  File csv = Open(out_dir / "drilldown.csv", "w");
  File not_informed = Open(temp.path / "not-informed-patients", "w");
  File relatives_not_informed = Open(temp.path / "not-informed-relatives", "w");
  if (!csv || !not_informed || !relatives_not_informed) return UnavailableError(out_dir.string() + ": cannot be written");
  std::fputs(DrilldownHeader().c_str(), csv.get());
  for (int i = 0; i < output.partitions; ++i) {
    std::unordered_map<std::string, PatientFacts> by_patient;
    {
      std::ifstream in(temp.path / std::to_string(i));
      std::string fact;
      while (std::getline(in, fact)) {
        if (!AddFactLine(fact, by_patient)) return InternalError("audit: unreadable partition line");
      }
    }
    std::vector<const std::string*> ids;
    ids.reserve(by_patient.size());
    for (const auto& [id, facts] : by_patient) ids.push_back(&id);
    std::sort(ids.begin(), ids.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
    for (const std::string* id : ids) {
      bool listed = false, relatives_listed = false;
      for (const EpisodeResult& e : EvaluatePatient(*id, by_patient[*id], rules)) {
        output.tally.Add(e);
        std::fputs(DrilldownRow(e).c_str(), csv.get());
        if (!e.exclusion.empty()) continue;
        if (!e.informed && !listed) {
          std::fprintf(not_informed.get(), "Patient/%s\n", id->c_str());
          listed = true;
        }
        if (e.relatives > 0 && !e.relatives_informed && !relatives_listed) {
          std::fprintf(relatives_not_informed.get(), "Patient/%s\n", id->c_str());
          relatives_listed = true;
        }
      }
    }
  }
  if (std::fflush(csv.get()) != 0) return UnavailableError(out_dir.string() + "/drilldown.csv: write failed");
  not_informed.reset();
  relatives_not_informed.reset();

  const fhir::JsonValue summary = SummaryReport(measure, output.tally, period);
  {
    std::ofstream out(out_dir / "measure-report.json", std::ios::binary);
    out << fhir::WriteJson(summary) << "\n";
    if (!out) return UnavailableError(out_dir.string() + "/measure-report.json: write failed");
  }
  SELVHJELP_RETURN_IF_ERROR(WriteSubjectListReport(out_dir / "measure-report-subject-list.json", measure, output.tally,
                                                   period, temp.path / "not-informed-patients",
                                                   temp.path / "not-informed-relatives"));
  std::ofstream html(out_dir / "report.html", std::ios::binary);
  html << AuditHtml(output.tally, period, std::string(measure.FindString("title").value_or("Compliance")), rules.unit);
  if (!html) return UnavailableError(out_dir.string() + "/report.html: write failed");
  return output;
}

}  // namespace selvhjelp::plugin
