#pragma once
// The command line of one subcommand: its flags, checked against what it knows, so that a typo
// (`--prot 1234`) or a flag without its value is refused instead of ignored.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"

namespace selvhjelp::cli {

// What one subcommand accepts.
struct CommandSpec {
  std::string name;                      // as the user types it: "serve", "outbox list"
  std::vector<std::string> value_flags;  // flags followed by a value: "--config", "--port"
  std::vector<std::string> switches;     // flags without a value: "--fhir", "--all"
  size_t min_positional = 0;             // CONFIG, FILE, RECORD_ID...
  size_t max_positional = 0;
};

struct ParsedArgs {
  std::map<std::string, std::string> values;  // flag -> value, for the flags given
  std::set<std::string> switches;             // the switches given
  std::vector<std::string> positional;        // in order

  // The value of `flag`, or empty when it was not given.
  std::string Value(const std::string& flag) const;
  bool Has(const std::string& flag) const { return switches.count(flag) > 0 || values.count(flag) > 0; }
};

// True when `args` asks for help (`--help` or `-h` anywhere).
bool WantsHelp(const std::vector<std::string>& args);

// Reads `args` (the words after the subcommand's name) against `spec`. InvalidArgument, with the
// flag as the expression, for an unknown flag, a flag without a value (the end of the
// line or another flag follows it), a flag given twice, or too few or too many positional
// arguments; the message is one line naming the subcommand: "serve: unknown flag '--prot'".
[[nodiscard]] Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const CommandSpec& spec);

}  // namespace selvhjelp::cli
