#include "plugin/cli/command_line.h"

#include <algorithm>

namespace selvhjelp::cli {

namespace {

bool Contains(const std::vector<std::string>& list, const std::string& word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

bool LooksLikeFlag(const std::string& word) { return word.size() > 1 && word[0] == '-' && word[1] == '-'; }

}  // namespace

std::string ParsedArgs::Value(const std::string& flag) const {
  auto found = values.find(flag);
  return found == values.end() ? std::string() : found->second;
}

bool WantsHelp(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
}

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const CommandSpec& spec) {
  ParsedArgs parsed;
  auto error = [&spec](const std::string& where, const std::string& what) {
    return FieldError(where, what + " (see selvhjelp " + spec.name + " --help)");
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (!LooksLikeFlag(word)) {
      parsed.positional.push_back(word);
      continue;
    }
    if (parsed.Has(word)) return error(spec.name, word + " given twice");
    if (Contains(spec.switches, word)) {
      parsed.switches.insert(word);
    } else if (Contains(spec.value_flags, word)) {
      if (i + 1 >= args.size() || LooksLikeFlag(args[i + 1])) return error(spec.name, word + " needs a value");
      parsed.values[word] = args[++i];
    } else {
      return error(spec.name, "unknown flag '" + word + "'");
    }
  }
  if (parsed.positional.size() < spec.min_positional) return error(spec.name, "missing arguments");
  if (parsed.positional.size() > spec.max_positional) {
    return error(spec.name, "unexpected argument '" + parsed.positional[spec.max_positional] + "'");
  }
  return parsed;
}

}  // namespace selvhjelp::cli
