#include "plugin/audit/audit_run.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "fhir/json/json_view.h"
#include "fhir/json/json_writer.h"
#include "plugin/audit/audit_facts.h"
#include "plugin/audit/audit_html.h"
#include "plugin/audit/episode_evaluator.h"
#include "plugin/audit/store_records.h"
#include "plugin/csv/csv_cell.h"

namespace selvhjelp::plugin {

namespace fs = std::filesystem;

namespace {

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<FILE, FileCloser>;

// Opens `path` with a 1 MB stdio buffer, or none (`buffered` false: the caller writes big blocks).
File Open(const fs::path& path, const char* mode, bool buffered = true) {
  File f(std::fopen(path.c_str(), mode));
  if (f) std::setvbuf(f.get(), nullptr, buffered ? _IOFBF : _IONBF, buffered ? 1 << 20 : 0);
  return f;
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
         "relatives_informed,relatives_level,relatives_response\n";
}

std::string DrilldownRow(const EpisodeResult& e) {
  std::string row;
  row.reserve(160);
  const std::string start = DayText(e.start), end = DayText(e.end);
  const std::string informed_on = e.informed ? DayText(e.informed_day) : std::string();
  const std::string relatives = std::to_string(e.relatives);
  const std::string_view fields[] = {
      e.patient_id, e.identifier, e.episode, e.unit, start, end, e.exclusion, e.informed ? "yes" : "no", informed_on,
      e.informed ? LevelCode(e.level) : std::string_view(), e.informed ? std::string_view(e.response) : std::string_view(),
      relatives, e.relatives == 0 ? "" : e.relatives_informed ? "yes" : "no",
      e.relatives > 0 && e.relatives_informed ? LevelCode(e.relatives_level) : std::string_view(),
      e.relatives > 0 && e.relatives_informed ? std::string_view(e.relatives_response) : std::string_view()};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) row.push_back(',');
    AppendCsvCell(row, fields[i]);
  }
  row.push_back('\n');
  return row;
}

namespace {

// The lines of `file` that start in [begin, end).
struct Chunk {
  const fs::path* file;
  int64_t begin, end;
};

// The line number of the line starting at byte `offset` of `file` (for error messages only).
int64_t LineNumberAt(const fs::path& file, int64_t offset) {
  File in = Open(file, "r");
  int64_t line = 1;
  for (int64_t i = 0; in && i < offset; ++i) line += std::fgetc(in.get()) == '\n';
  return line;
}

// Everything pass 1 workers share.
struct Scan {
  explicit Scan(const AuditRules& r) : rules(r) {}
  const AuditRules& rules;
  std::vector<Chunk> chunks;
  std::atomic<size_t> next_chunk{0};
  std::atomic<int64_t> done{0}, resources{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  Status error;
  size_t error_chunk = SIZE_MAX;

  // Keeps the error of the earliest chunk: chunks are handed out in order and a chunk already
  // started is finished, so the error reported is the first in file order, whatever the threads.
  void Fail(Status status, size_t chunk) {
    std::lock_guard<std::mutex> lock(error_mutex);
    if (chunk < error_chunk) {
      error = std::move(status);
      error_chunk = chunk;
    }
    failed = true;
  }
};

// A pass 1 worker: parses its chunks' lines and appends each resource's facts to `partitions`
// (its own files), by patient, through a buffer per partition.
void ScanChunks(Scan& scan, std::vector<File>& partitions) {
  fhir::JsonDocument document;
  LineBuffer buffer;
  const std::hash<std::string_view> hash;
  std::string fact;
  std::vector<std::string> pending(partitions.size());
  // At most about 8 MB buffered per thread, however many partitions there are.
  const size_t flush_at = std::max<size_t>(16 << 10, (8 << 20) / partitions.size());
  auto flush = [&partitions, &pending](size_t i) {
    std::fwrite(pending[i].data(), 1, pending[i].size(), partitions[i].get());
    pending[i].clear();
  };
  for (size_t c = scan.next_chunk++; c < scan.chunks.size() && !scan.failed; c = scan.next_chunk++) {
    const Chunk& chunk = scan.chunks[c];
    File in = Open(*chunk.file, "r");
    if (!in) return scan.Fail(UnavailableError(chunk.file->string() + ": cannot be read"), c);
    int64_t at = chunk.begin;
    if (at > 0) {  // skip the end of a line that started in the previous chunk
      std::fseek(in.get(), at - 1, SEEK_SET);
      at += ::getline(&buffer.data, &buffer.capacity, in.get()) - 1;
    }
    const int64_t first = at;
    ssize_t length;
    int64_t resources = 0;
    while (at < chunk.end && (length = ::getline(&buffer.data, &buffer.capacity, in.get())) > 0) {
      const int64_t line_start = at;
      at += length;
      char* line = buffer.data;
      if (length == 1 && line[0] == '\n') continue;
      auto where = [&] { return chunk.file->string() + ":" + std::to_string(LineNumberAt(*chunk.file, line_start)); };
      Status parsed = document.ParseInPlace(line);
      if (!parsed.ok()) return scan.Fail(InvalidArgumentError(where() + ": not JSON (" + parsed.message() + ")"), c);
      if (document.root().String("resourceType").empty()) {
        return scan.Fail(InvalidArgumentError(where() + ": not a FHIR resource (no resourceType)"), c);
      }
      ++resources;
      if (!FactLine(document.root(), scan.rules, fact)) continue;
      const size_t i = hash(PatientOfFactLine(fact)) % partitions.size();
      pending[i].append(fact).push_back('\n');
      if (fact[0] == 'P' && scan.rules.store_records != nullptr) {
        scan.rules.store_records->AppendFactLines(PatientOfFactLine(fact), pending[i]);
      }
      if (pending[i].size() > flush_at) flush(i);
    }
    scan.done += at - first;
    scan.resources += resources;
  }
  for (size_t i = 0; i < pending.size(); ++i) flush(i);
}

// What a pass 2 worker leaves for partition i: its drill-down rows and the patients not informed.
fs::path Part(const fs::path& temp, const char* what, int i) { return temp / (std::string(what) + "." + std::to_string(i)); }

// A pass 2 worker: evaluates whole partitions (all of a patient's facts are in one), writing each
// partition's outputs to its own files and counting into `tally`.
Status EvaluatePartitions(const fs::path& temp, int partitions, int threads, const AuditRules& rules,
                          std::atomic<int>& next, AuditTally& tally) {
  for (int i = next++; i < partitions; i = next++) {
    std::string text;
    for (int t = 0; t < threads; ++t) {
      Result<std::string> part = fhir::ReadTextFile(temp / (std::to_string(i) + "." + std::to_string(t)));
      if (!part.ok()) return part.status();
      text += *part;
    }
    struct Line {
      size_t hash;
      std::string_view patient, text;
      size_t order;  // keeps a patient's facts in file order
    };
    std::vector<Line> lines;
    const std::hash<std::string_view> hash;
    for (size_t at = 0; at < text.size();) {
      size_t end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + at, end - at);
      std::string_view patient = PatientOfFactLine(line);
      lines.push_back({hash(patient), patient, line, lines.size()});
      at = end + 1;
    }
    // Grouped by patient (ordered by hash, then id: cheaper than comparing ids), each patient's
    // facts in file order.
    std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
      if (a.hash != b.hash) return a.hash < b.hash;
      if (a.patient != b.patient) return a.patient < b.patient;
      return a.order < b.order;
    });
    File csv = Open(Part(temp, "csv", i), "w");
    File not_informed = Open(Part(temp, "patients", i), "w");
    File relatives_not_informed = Open(Part(temp, "relatives", i), "w");
    if (!csv || !not_informed || !relatives_not_informed) return UnavailableError(temp.string() + ": cannot be written");
    PatientAuditFacts facts;
    for (size_t first = 0; first < lines.size();) {
      facts.Clear();
      size_t last = first;
      for (; last < lines.size() && lines[last].patient == lines[first].patient; ++last) {
        if (!AddFactLine(lines[last].text, facts)) return InternalError("audit: unreadable partition line");
      }
      const std::string id(lines[first].patient);
      first = last;
      bool listed = false, relatives_listed = false;
      for (const EpisodeResult& e : EvaluatePatient(id, facts, rules)) {
        tally.Add(e);
        std::fputs(DrilldownRow(e).c_str(), csv.get());
        if (!e.exclusion.empty()) continue;
        if (!e.informed && !listed) {
          std::fprintf(not_informed.get(), "Patient/%s\n", id.c_str());
          listed = true;
        }
        if (e.relatives > 0 && !e.relatives_informed && !relatives_listed) {
          std::fprintf(relatives_not_informed.get(), "Patient/%s\n", id.c_str());
          relatives_listed = true;
        }
      }
    }
    for (File* f : {&csv, &not_informed, &relatives_not_informed}) {
      if (std::fflush(f->get()) != 0) return UnavailableError(temp.string() + ": write failed (disk full?)");
    }
  }
  return OkStatus();
}

// Appends the files `what`.0 ... `what`.(n-1) to `out` in order.
Status Concatenate(const fs::path& temp, const char* what, int n, FILE* out) {
  std::vector<char> buffer(1 << 20);
  for (int i = 0; i < n; ++i) {
    File in = Open(Part(temp, what, i), "r");
    if (!in) return InternalError("audit: part missing");
    size_t read;
    while ((read = std::fread(buffer.data(), 1, buffer.size(), in.get())) > 0) std::fwrite(buffer.data(), 1, read, out);
  }
  return std::fflush(out) == 0 ? OkStatus() : UnavailableError("audit: write failed (disk full?)");
}

}  // namespace

Result<AuditOutput> RunAudit(const fs::path& bulk_dir, const fs::path& out_dir, const AuditRules& rules,
                             const fhir::JsonValue& measure, const ReportPeriod& period, const AuditProgress& progress,
                             int64_t partition_bytes, int threads) {
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
  if (threads <= 0) threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  output.threads = threads;

  // Pass 1: every resource's facts, split by patient into partitions on disk (one file per
  // partition and thread), chunks of the files shared out among the threads.
  output.partitions = static_cast<int>(std::clamp<int64_t>(total / std::max<int64_t>(partition_bytes, 1) + 1, 1, 512));
  TempDir temp{out_dir / (".partitions-" + std::to_string(::getpid()))};
  fs::create_directories(temp.path, ec);
  Scan scan(rules);
  constexpr int64_t kChunk = 8 << 20;
  for (const fs::path& file : files) {
    const int64_t size = static_cast<int64_t>(fs::file_size(file, ec));
    for (int64_t begin = 0; begin < size; begin += kChunk) scan.chunks.push_back({&file, begin, std::min(size, begin + kChunk)});
  }
  std::vector<std::vector<File>> partitions(threads);
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < output.partitions; ++i) {
      partitions[t].push_back(Open(temp.path / (std::to_string(i) + "." + std::to_string(t)), "w", /*buffered=*/false));
      if (!partitions[t].back()) return UnavailableError(temp.path.string() + ": cannot write partitions");
    }
  }
  {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back([&scan, &partitions, t] { ScanChunks(scan, partitions[t]); });
    while (progress && scan.next_chunk < scan.chunks.size() && !scan.failed) {
      progress(scan.done, total);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    for (std::thread& w : workers) w.join();
  }
  SELVHJELP_RETURN_IF_ERROR(scan.error);
  output.bytes = scan.done;
  output.resources = scan.resources;
  if (progress) progress(scan.done, total);
  for (auto& files_of_thread : partitions) {
    for (File& f : files_of_thread) {
      if (std::fflush(f.get()) != 0) return UnavailableError(temp.path.string() + ": write failed (disk full?)");
    }
  }
  partitions.clear();

  // Pass 2: partitions shared out among the threads; their outputs joined in partition order.
  {
    std::atomic<int> next{0};
    std::vector<AuditTally> tallies(threads);
    std::vector<Status> results(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        results[t] = EvaluatePartitions(temp.path, output.partitions, threads, rules, next, tallies[t]);
      });
    }
    for (std::thread& w : workers) w.join();
    for (int t = 0; t < threads; ++t) {
      SELVHJELP_RETURN_IF_ERROR(results[t]);
      output.tally.Merge(tallies[t]);
    }
  }
  {
    File csv = Open(out_dir / "drilldown.csv", "w");
    File not_informed = Open(temp.path / "not-informed-patients", "w");
    File relatives_not_informed = Open(temp.path / "not-informed-relatives", "w");
    if (!csv || !not_informed || !relatives_not_informed) return UnavailableError(out_dir.string() + ": cannot be written");
    std::fputs(DrilldownHeader().c_str(), csv.get());
    SELVHJELP_RETURN_IF_ERROR(Concatenate(temp.path, "csv", output.partitions, csv.get()));
    SELVHJELP_RETURN_IF_ERROR(Concatenate(temp.path, "patients", output.partitions, not_informed.get()));
    SELVHJELP_RETURN_IF_ERROR(Concatenate(temp.path, "relatives", output.partitions, relatives_not_informed.get()));
  }

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
  html << AuditHtml(output.tally, period, rules.unit, AuditReportTextsFor(period.language));
  if (!html) return UnavailableError(out_dir.string() + "/report.html: write failed");
  return output;
}

}  // namespace selvhjelp::plugin
