#include "plugin/audit/audit_html.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "mappings/text_catalog.h"

namespace selvhjelp::plugin {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string WithComma(std::string number, const AuditReportTexts& t) {
  if (t.decimal_comma) std::replace(number.begin(), number.end(), '.', ',');
  return number;
}

std::string Percent(const Tally& t, const AuditReportTexts& texts) {
  std::optional<double> score = t.Score();
  if (!score) return "–";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f %%", *score * 100.0);
  return WithComma(text, texts);
}

std::string Num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

struct Bar {
  std::string label;
  double value;        // 0..1 for rates, a count otherwise
  std::string caption;  // shown after the bar
};

// A horizontal bar chart as inline SVG; `max` scales the bars (1 for rates).
std::string BarChart(const std::string& id, const std::string& title, const std::vector<Bar>& bars, double max) {
  // Labels right-aligned before the bars; about 7.5 px per character of 13 px text.
  size_t longest = 0;
  for (const Bar& b : bars) longest = std::max(longest, b.label.size());
  const int row = 26, bar_width = 380, height = static_cast<int>(bars.size()) * row + 10;
  const int label_width = std::max(120, static_cast<int>(longest * 15 / 2) + 16);
  std::string svg = "<figure><figcaption>" + Escape(title) + "</figcaption><svg class=\"chart\" id=\"" + id +
                    "\" role=\"img\" aria-label=\"" + Escape(title) + "\" width=\"" +
                    std::to_string(label_width + bar_width + 130) + "\" height=\"" + std::to_string(height) +
                    "\" viewBox=\"0 0 " + std::to_string(label_width + bar_width + 130) + " " + std::to_string(height) + "\">";
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = static_cast<int>(i) * row + 5;
    const double width = max > 0 ? std::max(1.0, bar_width * std::min(1.0, b.value / max)) : 1.0;
    svg += "<text x=\"" + std::to_string(label_width - 8) + "\" y=\"" + std::to_string(y + 15) +
           "\" text-anchor=\"end\">" + Escape(b.label) + "</text>";
    svg += "<rect class=\"bar\" x=\"" + std::to_string(label_width) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
           Num(width) + "\" height=\"" + std::to_string(row - 8) + "\"><title>" + Escape(b.label + ": " + b.caption) +
           "</title></rect>";
    svg += "<text x=\"" + Num(label_width + width + 6) + "\" y=\"" + std::to_string(y + 15) + "\">" + Escape(b.caption) +
           "</text>";
  }
  return svg + "</svg></figure>\n";
}

std::vector<Bar> RateBars(const std::map<std::string, Tally>& strata, const AuditReportTexts& texts) {
  std::vector<Bar> bars;
  for (const auto& [name, t] : strata) {
    bars.push_back({name, t.Score().value_or(0.0), Percent(t, texts) + " (" + std::to_string(t.numerator) + " " +
                                                       texts.of + " " + std::to_string(t.initial - t.excluded) + ")"});
  }
  return bars;
}

// Among informed episodes (not excluded): how many at each value, labelled by `labels` (by code).
std::vector<Bar> MixBars(const std::map<std::string, Tally>& strata,
                         const std::vector<std::pair<std::string, std::string>>& labels) {
  std::vector<Bar> bars;
  int64_t total = 0;
  for (const auto& [name, t] : strata) {
    if (name != "none") total += t.numerator;
  }
  for (const auto& [code, label] : labels) {
    auto it = strata.find(code);
    const int64_t n = it == strata.end() ? 0 : it->second.numerator;
    char share[32];
    std::snprintf(share, sizeof share, "%lld (%.0f %%)", static_cast<long long>(n), total ? 100.0 * n / total : 0.0);
    bars.push_back({label, static_cast<double>(n), share});
  }
  return bars;
}

std::string Row(const std::string& group, const Tally& t, const AuditReportTexts& texts) {
  return "<tr><th>" + Escape(group) + "</th><td>" + std::to_string(t.initial) + "</td><td>" + std::to_string(t.excluded) +
         "</td><td>" + std::to_string(t.numerator) + "</td><td>" + Percent(t, texts) + "</td></tr>\n";
}

}  // namespace

std::string AuditHtml(const AuditTally& tally, const ReportPeriod& period, const std::string& unit_filter,
                      const AuditReportTexts& t) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"" + t.html_lang + "\"><head><meta charset=\"utf-8\"><title>" +
                     Escape(t.title) + R"(</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; max-width: 60rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #bbb; padding: .3rem .6rem; text-align: right; }
th:first-child { text-align: left; }
svg.chart text { font-size: 13px; fill: #1b1b1b; } svg.chart rect.bar { fill: #2f6f9f; }
figure { margin: 1rem 0; break-inside: avoid; } figcaption { font-weight: 600; margin-bottom: .3rem; }
.note { color: #555; font-size: .9rem; }
@media print { body { margin: 0; } }
</style></head><body>
)";
  const std::string unit = unit_filter.empty() ? "" : mappings::FillPlaceholders(t.unit_part, {{"unit", unit_filter}});
  const std::string intro = mappings::FillPlaceholders(
      t.intro, {{"start", period.start}, {"end", period.end}, {"unit", unit}, {"generated", period.generated}});
  html += "<h1>" + Escape(t.title) + "</h1>\n<p>" + Escape(intro) + "</p>\n";
  html += "<table><tr><th>" + Escape(t.group) + "</th><th>" + Escape(t.episodes) + "</th><th>" + Escape(t.excluded) +
          "</th><th>" + Escape(t.informed) + "</th><th>" + Escape(t.share_informed) + "</th></tr>\n" +
          Row(t.patients, tally.patients.total, t) + Row(t.relatives_row, tally.relatives.total, t) + "</table>\n";
  html += "<h2>" + Escape(t.compliance) + "</h2>\n";
  html += BarChart("by-unit", t.by_unit, RateBars(tally.patients.by_unit, t), 1.0);
  html += BarChart("by-month", t.by_month, RateBars(tally.patients.by_month, t), 1.0);
  html += BarChart("relatives-by-unit", t.relatives_by_unit, RateBars(tally.relatives.by_unit, t), 1.0);
  html += "<h2>" + Escape(t.how) + "</h2>\n";
  auto max_of = [](const std::vector<Bar>& bars) {
    double m = 0;
    for (const Bar& b : bars) m = std::max(m, b.value);
    return m;
  };
  auto mixes = [&](const GroupTally& g, const std::string& id, const std::string& whose) {
    std::vector<Bar> levels = MixBars(g.by_level, t.levels);
    html += BarChart(id + "level-mix", mappings::FillPlaceholders(t.level_mix, {{"whose", whose}}), levels, max_of(levels));
    std::vector<Bar> responses = MixBars(g.by_response, t.responses);
    html += BarChart(id + "response-mix", mappings::FillPlaceholders(t.response_mix, {{"whose", whose}}), responses,
                     max_of(responses));
  };
  mixes(tally.patients, "", t.patients);
  mixes(tally.relatives, "relatives-", t.relatives);
  html += "<p class=\"note\">" + Escape(t.note) + "</p>\n</body></html>\n";
  return html;
}

}  // namespace selvhjelp::plugin
