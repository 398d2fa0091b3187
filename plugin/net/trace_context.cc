#include "plugin/net/trace_context.h"

#include <random>

namespace selvhjelp::plugin {
namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

// Random hex digits: a per-thread generator seeded from the system's entropy, so ids are
// unpredictable across processes and never tied to what a request contains.
std::string RandomHex(size_t digits) {
  thread_local std::mt19937_64 generator{(static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(digits, '0');
  uint64_t bits = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (i % 16 == 0) bits = generator();
    out[i] = kHex[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;  // visible ASCII only: nothing that could split a log line or a header
  }
  return true;
}

}  // namespace

TraceContext TraceContext::FromHeaders(std::string_view traceparent, std::string_view request_id) {
  TraceContext t;
  // version "00": 2-32-16-2 hex digits with dashes; a later version may add fields after them.
  const bool shaped = traceparent.size() >= 55 && traceparent[2] == '-' && traceparent[35] == '-' &&
                      traceparent[52] == '-' && (traceparent.size() == 55 || traceparent[55] == '-');
  if (shaped) {
    const std::string_view version = traceparent.substr(0, 2), trace = traceparent.substr(3, 32),
                           parent = traceparent.substr(36, 16), flags = traceparent.substr(53, 2);
    if (IsLowerHex(version) && version != "ff" && (version != "00" || traceparent.size() == 55) && IsLowerHex(trace) &&
        !AllZero(trace) && IsLowerHex(parent) && !AllZero(parent) && IsLowerHex(flags)) {
      t.trace_id = std::string(trace);
      t.sampled = (std::stoi(std::string(flags), nullptr, 16) & 1) != 0;
    }
  }
  if (t.trace_id.empty()) t.trace_id = RandomHex(32);
  do {
    t.span_id = RandomHex(16);
  } while (AllZero(t.span_id));  // all zero is not a valid parent id
  t.request_id = ValidRequestId(request_id) ? std::string(request_id) : t.trace_id;
  return t;
}

TraceContext TraceContext::Fresh() { return FromHeaders("", ""); }

std::string TraceContext::Traceparent() const {
  return "00-" + trace_id + "-" + span_id + (sampled ? "-01" : "-00");
}

}  // namespace selvhjelp::plugin
