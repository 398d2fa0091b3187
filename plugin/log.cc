#include "plugin/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>

#include "fhir/json/json_value.h"
#include "fhir/json/json_writer.h"
#include "fhir/json/utf8.h"
#include "fhir/r4/date_time.h"

namespace selvhjelp::plugin {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};
std::atomic<bool> g_stdout{false};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

// RFC 3339 in UTC with milliseconds: 2026-11-29T07:23:20.123Z.
std::string NowRfc3339() {
  const int64_t millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string time = fhir::IsoInstant(millis / 1000);  // ...:20Z
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(millis % 1000));
  time.insert(time.size() - 1, fraction);
  return time;
}

}  // namespace

void ConfigureLog(LogFormat format, bool to_stdout) {
  g_format = format;
  g_stdout = to_stdout;
}

void Log(LogLevel level, std::string_view event, std::string_view message, std::string_view trace,
         std::initializer_list<LogField> fields) {
  std::string line;
  if (g_format.load(std::memory_order_relaxed) == LogFormat::kJson) {
    fhir::JsonValue json = fhir::JsonValue::Object();
    json.Set("time", NowRfc3339());
    json.Set("level", LevelName(level));
    // What a request sent (a path with raw bytes ≥ 0x80) need not be UTF-8, and a JSON line must
    // be: ill-formed bytes become U+FFFD. The writer copies bytes ≥ 0x80 as they are.
    json.Set("event", fhir::ToUtf8Lossy(event));
    json.Set("message", fhir::ToUtf8Lossy(message));
    if (!trace.empty()) json.Set("trace", fhir::ToUtf8Lossy(trace));
    if (fields.size() > 0) {
      fhir::JsonValue& object = json.Set("fields", fhir::JsonValue::Object());
      for (const LogField& f : fields) object.Set(fhir::ToUtf8Lossy(f.name), fhir::ToUtf8Lossy(f.value));
    }
    line = fhir::WriteJson(json);  // compact: no line breaks inside (strings are escaped)
  } else {
    line = fhir::ToUtf8Lossy(message);  // text lines too stay readable text
    if (!trace.empty()) line.append(" trace=").append(trace);
  }
  line.push_back('\n');
  FILE* stream = g_stdout.load(std::memory_order_relaxed) ? stdout : stderr;
  flockfile(stream);
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fflush(stream);  // stdout is block-buffered when piped: each line leaves at once
  funlockfile(stream);
}

}  // namespace selvhjelp::plugin
