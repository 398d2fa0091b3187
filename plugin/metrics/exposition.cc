#include "plugin/metrics/exposition.h"

#include <charconv>
#include <cmath>

namespace selvhjelp::plugin {
namespace {

void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

void Exposition::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendEscaped(out_, help, /*quote=*/false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void Exposition::Series(std::string_view name, std::string_view suffix, Labels labels, std::string_view le,
                        double value) {
  out_ += name;
  out_ += suffix;
  if (labels.size() > 0 || !le.empty()) {
    out_ += '{';
    bool first = true;
    auto label = [&](std::string_view key, std::string_view text) {
      if (!first) out_ += ',';
      first = false;
      out_ += key;
      out_ += "=\"";
      AppendEscaped(out_, text, /*quote=*/true);
      out_ += '"';
    };
    for (const auto& [key, text] : labels) label(key, text);
    if (!le.empty()) label("le", le);
    out_ += '}';
  }
  out_ += ' ';
  out_ += FormatSampleValue(value);
  out_ += '\n';
}

void Exposition::Sample(std::string_view name, Labels labels, double value) { Series(name, "", labels, "", value); }

void Exposition::HistogramSamples(std::string_view name, Labels labels, const Histogram::Snapshot& h) {
  for (size_t i = 0; i < h.buckets; ++i) {
    Series(name, "_bucket", labels, FormatSampleValue(h.upper_bounds[i]), static_cast<double>(h.cumulative[i]));
  }
  Series(name, "_bucket", labels, "+Inf", static_cast<double>(h.count));
  Series(name, "_sum", labels, "", h.sum);
  Series(name, "_count", labels, "", static_cast<double>(h.count));
}

}  // namespace selvhjelp::plugin
