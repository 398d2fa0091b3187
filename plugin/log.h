#pragma once
// The service's log: one line per event, written in a single call so lines from different threads
// never interleave. Lines carry codes, ids and paths, never patient data, tokens or request bodies.
//
// Two formats (logging.format): "text" (the default) is the event's message, then " trace=<id>"
// when it belongs to a request; "json" is one JSON object per line:
//   {"time":"2026-11-29T07:23:20.123Z","level":"info","event":"http.request","message":"...",
//    "trace":"<32 hex>","fields":{"status":"200",...}}
// with "trace" and "fields" present only when there are some. The stream is stderr by default, or
// stdout (logging.stream), as container platforms collect it.
#include <initializer_list>
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

enum class LogLevel { kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

// A value that JSON lines carry beside the message (text lines leave them out: the message says it).
// Views only: a temporary (std::to_string(status)) lives until the Log call's statement ends.
struct LogField {
  std::string_view name;
  std::string_view value;
};

// Chooses the format and the stream of every later line. Call at start, before other threads log.
void ConfigureLog(LogFormat format, bool to_stdout);

// Writes one event. `event`: a stable dotted name ("http.request", "record.parked") that log
// queries can select on; `trace`: the trace id of the request it belongs to, or empty.
void Log(LogLevel level, std::string_view event, std::string_view message, std::string_view trace = {},
         std::initializer_list<LogField> fields = {});

}  // namespace selvhjelp::plugin
