// Document -> one self-contained, printable HTML page: no external fonts, scripts or styles;
// colours at WCAG 2.1 AA contrast (body #1a1a1a and headings #0b3d63 on white: 17:1 and 11:1).
#include "plugin/handout/document.h"

namespace selvhjelp::plugin::handout_internal {

namespace {

constexpr const char* kStyle = R"(
:root { color-scheme: light; }
body { font-family: "Noto Sans", "DejaVu Sans", system-ui, sans-serif; font-size: 12pt; line-height: 1.5;
       color: #1a1a1a; background: #ffffff; max-width: 42em; margin: 2em auto; padding: 0 1em; }
h1, h2, h3 { color: #0b3d63; line-height: 1.25; }
h1 { font-size: 1.8em; margin: 0 0 0.6em; }
h2 { font-size: 1.35em; margin: 1.4em 0 0.4em; border-bottom: 2px solid #0b3d63; padding-bottom: 0.1em; }
h3 { font-size: 1.1em; margin: 1.1em 0 0.2em; }
p, ul { margin: 0.3em 0; }
p.field { margin: 0.1em 0; }
a { color: #0b3d63; }
a:focus { outline: 3px solid #0b3d63; outline-offset: 2px; }
@page { size: A4; margin: 18mm 20mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11.5pt; }
  h2, h3 { break-after: avoid; }
  p, li { orphans: 3; widows: 3; }
  a { text-decoration: none; }
}
)";

void Escape(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
}

// Only links the writer itself made (https://, http://, mailto:) become anchors.
bool SafeLink(std::string_view link) {
  return link.rfind("https://", 0) == 0 || link.rfind("http://", 0) == 0 || link.rfind("mailto:", 0) == 0;
}

void Text(std::string& out, const Block& b) {
  if (b.link.empty() || !SafeLink(b.link)) {
    Escape(out, b.text);
    return;
  }
  out += "<a href=\"";
  Escape(out, b.link);
  out += "\">";
  Escape(out, b.text);
  out += "</a>";
}

}  // namespace

std::string WriteHtml(const Document& document) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"";
  Escape(out, document.language);
  out += document.right_to_left ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n";
  out += "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  Escape(out, document.title);
  out += "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<main>\n";
  bool in_list = false;
  for (const Block& b : document.blocks) {
    if (in_list && b.kind != Block::Kind::kItem) {
      out += "</ul>\n";
      in_list = false;
    }
    switch (b.kind) {
      case Block::Kind::kTitle: out += "<h1>"; Text(out, b); out += "</h1>\n"; break;
      case Block::Kind::kHeading: out += "<h2>"; Text(out, b); out += "</h2>\n"; break;
      case Block::Kind::kSubheading: out += "<h3>"; Text(out, b); out += "</h3>\n"; break;
      case Block::Kind::kParagraph: out += "<p>"; Text(out, b); out += "</p>\n"; break;
      case Block::Kind::kItem:
        if (!in_list) out += "<ul>\n";
        in_list = true;
        out += "<li>";
        Text(out, b);
        out += "</li>\n";
        break;
      case Block::Kind::kField:
        out += "<p class=\"field\"><strong>";
        Escape(out, b.label);
        out += ":</strong> ";
        Text(out, b);
        out += "</p>\n";
        break;
    }
  }
  if (in_list) out += "</ul>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace selvhjelp::plugin::handout_internal
