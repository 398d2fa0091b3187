#pragma once
// The service's log: one line per event to stderr, written in a single call so lines from
// different threads never interleave. Lines carry codes, ids and paths, never patient data,
// tokens or request bodies.
#include <cstdio>
#include <string>

namespace selvhjelp::plugin {

inline void LogLine(std::string line) {
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace selvhjelp::plugin
