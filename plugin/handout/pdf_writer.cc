// Document -> PDF with cairo (which writes the PDF: fonts embedded and subset, structure tags,
// outline, metadata) and pango (which shapes every script and breaks lines). A4, body type 11.5 pt.
// The only file with cairo and pango headers.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <cctype>
#include <cstdio>
#include <cstring>

#include "plugin/handout/document.h"

namespace selvhjelp::plugin::handout_internal {

namespace {

constexpr double kPageWidth = 595.276;  // A4 in points
constexpr double kPageHeight = 841.890;
constexpr double kMarginX = 62;
constexpr double kMarginTop = 56;
constexpr double kMarginBottom = 64;
constexpr double kContentWidth = kPageWidth - 2 * kMarginX;
constexpr double kBottom = kPageHeight - kMarginBottom;
constexpr const char* kFamily = "Noto Sans, DejaVu Sans";
constexpr double kBodySize = 11.5;
constexpr unsigned kBodyColour = 0x1a1a1a;
constexpr unsigned kHeadingColour = 0x0b3d63;
constexpr unsigned kFooterColour = 0x555555;  // 7.5:1 on white

struct Style {
  double size;
  bool bold;
  double space_before;
  double indent;  // of the text from the content's start edge
  unsigned colour;
  const char* tag;  // PDF structure type
};

Style StyleOf(Block::Kind kind) {
  switch (kind) {
    case Block::Kind::kTitle: return {22, true, 0, 0, kHeadingColour, "H1"};
    case Block::Kind::kHeading: return {15, true, 18, 0, kHeadingColour, "H2"};
    case Block::Kind::kSubheading: return {12.5, true, 13, 0, kHeadingColour, "H3"};
    // Items and fields: the same gap between blocks as between wrapped lines (line spacing 1.3).
    case Block::Kind::kItem: return {kBodySize, false, 3.5, 16, kBodyColour, "LI"};
    case Block::Kind::kField: return {kBodySize, false, 3.5, 0, kBodyColour, "P"};
    case Block::Kind::kParagraph: break;
  }
  return {kBodySize, false, 6, 0, kBodyColour, "P"};
}

std::string Markup(std::string_view text) {
  gchar* escaped = g_markup_escape_text(text.data(), static_cast<gssize>(text.size()));
  std::string out(escaped);
  g_free(escaped);
  return out;
}

// A value inside cairo's tag attribute syntax: uri='...'.
std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void SetColour(cairo_t* cr, unsigned rgb) {
  cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

class PdfWriter {
 public:
  PdfWriter(cairo_surface_t* surface, const Document& document)
      : surface_(surface), cr_(cairo_create(surface)), document_(document) {}
  ~PdfWriter() { cairo_destroy(cr_); }
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  void Write() {
    y_ = kMarginTop;
    bool in_list = false;
    for (const Block& b : document_.blocks) {
      if (in_list && b.kind != Block::Kind::kItem) EndTag();  // L
      if (!in_list && b.kind == Block::Kind::kItem) BeginTag("L", "");
      in_list = b.kind == Block::Kind::kItem;
      WriteBlock(b);
    }
    if (in_list) EndTag();
    Footer();
  }

  cairo_status_t status() const { return cairo_status(cr_); }

 private:
  PangoLayout* MakeLayout(const std::string& markup, const Style& style) {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* font = pango_font_description_from_string(kFamily);
    pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);  // points: 1 unit = 1 pt
    if (style.bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, static_cast<int>((kContentWidth - style.indent) * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_line_spacing(layout, style.size > 14 ? 1.1f : 1.3f);
    pango_layout_set_markup(layout, markup.c_str(), -1);
    return layout;
  }

  void WriteBlock(const Block& b) {
    const Style style = StyleOf(b.kind);
    std::string markup = Markup(b.text);
    if (b.kind == Block::Kind::kField) markup = "<b>" + Markup(b.label) + ":</b> " + markup;
    PangoLayout* layout = MakeLayout(markup, style);
    // A list or a run of fields is set off by a little more room than between its lines.
    const bool group_edge = (previous_ == Block::Kind::kItem) != (b.kind == Block::Kind::kItem) ||
                            (previous_ == Block::Kind::kField) != (b.kind == Block::Kind::kField);
    const bool heading_above = previous_ == Block::Kind::kSubheading || previous_ == Block::Kind::kHeading;
    if (y_ > kMarginTop) y_ += style.space_before + (group_edge && !heading_above ? 4 : 0);
    previous_ = b.kind;
    // A heading stays with the first lines under it.
    const bool heading = b.kind == Block::Kind::kTitle || b.kind == Block::Kind::kHeading ||
                         b.kind == Block::Kind::kSubheading;
    int width = 0, height = 0;
    pango_layout_get_size(layout, &width, &height);
    if (heading && y_ + height / double(PANGO_SCALE) + 3 * kBodySize * 1.3 > kBottom) NewPage();
    if (b.kind == Block::Kind::kHeading) {
      std::string target = "page=" + std::to_string(page_) + " pos=[" + std::to_string(kMarginX) + " " +
                           std::to_string(y_) + "]";
      cairo_pdf_surface_add_outline(surface_, CAIRO_PDF_OUTLINE_ROOT, b.text.c_str(), target.c_str(),
                                    CAIRO_PDF_OUTLINE_FLAG_OPEN);
    }
    BeginTag(style.tag, "");
    if (b.kind == Block::Kind::kItem) BeginTag("LBody", "");
    if (!b.link.empty()) BeginTag(CAIRO_TAG_LINK, "uri=" + Quoted(b.link));
    SetColour(cr_, style.colour);
    const double text_x = document_.right_to_left ? kMarginX : kMarginX + style.indent;
    PangoLayoutIter* it = pango_layout_get_iter(layout);
    double origin = y_;  // where the layout's top is drawn on this page
    bool first_line = true;
    do {
      int top = 0, bottom = 0;
      pango_layout_iter_get_line_yrange(it, &top, &bottom);
      if (origin + bottom / double(PANGO_SCALE) > kBottom && y_ > kMarginTop) {
        NewPage();
        origin = y_ - top / double(PANGO_SCALE);
      }
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double baseline = origin + pango_layout_iter_get_baseline(it) / double(PANGO_SCALE);
      if (first_line && b.kind == Block::Kind::kItem) Bullet(baseline, style);
      cairo_move_to(cr_, text_x + logical.x / double(PANGO_SCALE), baseline);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      y_ = origin + bottom / double(PANGO_SCALE);
      first_line = false;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(layout);
    if (!b.link.empty()) EndTag();
    if (b.kind == Block::Kind::kItem) EndTag();  // LBody
    EndTag();
    if (b.kind == Block::Kind::kTitle) {  // a rule under the title
      SetColour(cr_, kHeadingColour);
      cairo_set_line_width(cr_, 1.5);
      cairo_move_to(cr_, kMarginX, y_ + 6);
      cairo_line_to(cr_, kMarginX + kContentWidth, y_ + 6);
      cairo_stroke(cr_);
      y_ += 12;
    }
  }

  void Bullet(double baseline, const Style& style) {
    PangoLayout* bullet = MakeLayout("•", style);
    PangoLayoutLine* line = pango_layout_get_line_readonly(bullet, 0);
    const double x = document_.right_to_left ? kMarginX + kContentWidth - style.indent + 5 : kMarginX + 4;
    BeginTag("Lbl", "");
    cairo_move_to(cr_, x, baseline);
    pango_cairo_show_layout_line(cr_, line);
    EndTag();
    g_object_unref(bullet);
  }

  void Footer() {
    Style style{11, false, 0, 0, kFooterColour, ""};
    PangoLayout* layout = MakeLayout(std::to_string(page_), style);
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    SetColour(cr_, kFooterColour);
    cairo_move_to(cr_, kMarginX, kPageHeight - kMarginBottom + 24);
    pango_cairo_show_layout(cr_, layout);
    g_object_unref(layout);
  }

  // Structure tags are closed before a page break and opened again after it, so no element
  // spans pages (cairo 1.16 keeps marked content per page).
  void NewPage() {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it) cairo_tag_end(cr_, it->first.c_str());
    Footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMarginTop;
    for (const auto& [name, attributes] : open_) cairo_tag_begin(cr_, name.c_str(), attributes.c_str());
  }
  void BeginTag(const std::string& name, const std::string& attributes) {
    cairo_tag_begin(cr_, name.c_str(), attributes.c_str());
    open_.emplace_back(name, attributes);
  }
  void EndTag() {
    cairo_tag_end(cr_, open_.back().first.c_str());
    open_.pop_back();
  }

  cairo_surface_t* surface_;
  cairo_t* cr_;
  const Document& document_;
  double y_ = kMarginTop;
  int page_ = 1;
  Block::Kind previous_ = Block::Kind::kTitle;
  std::vector<std::pair<std::string, std::string>> open_;
};

bool IsLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  for (char c : tag) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return true;
}

// cairo 1.16 writes a structure tree but neither /Lang, which screen readers use to pick a voice,
// nor /MarkInfo, which tells readers the document is tagged: this puts both into the document
// catalog and moves the cross-reference offsets behind them.
Result<std::string> WithLanguageAndMarkInfo(std::string pdf, std::string_view language) {
  constexpr std::string_view kCatalog = "/Type /Catalog";
  const size_t catalog = pdf.find(kCatalog);
  const size_t xref = pdf.rfind("\nxref\n");
  const size_t startxref = pdf.rfind("startxref\n");
  if (!IsLanguageTag(language) || catalog == std::string::npos || xref == std::string::npos ||
      startxref == std::string::npos || !(catalog < xref && xref < startxref)) {
    return InternalError("pdf: cannot set the document language");
  }
  const size_t at = catalog + kCatalog.size();
  const bool tagged = pdf.find("/StructTreeRoot", catalog) < xref;
  const std::string insert = "\n   /Lang (" + std::string(language) + ")" +
                             (tagged ? "\n   /MarkInfo << /Marked true >>" : "");
  const size_t delta = insert.size();
  // The cross-reference table: subsections "first count\n" then 20-byte entries
  // "oooooooooo ggggg n\r\n"; in-use entries behind `at` move by `delta`.
  size_t pos = xref + 6;
  while (pos < startxref && pdf.compare(pos, 7, "trailer") != 0) {
    unsigned long first = 0, count = 0;
    if (std::sscanf(pdf.c_str() + pos, "%lu %lu", &first, &count) != 2) return InternalError("pdf: unexpected xref");
    pos = pdf.find('\n', pos);
    if (pos == std::string::npos) return InternalError("pdf: unexpected xref");
    ++pos;
    for (unsigned long i = 0; i < count; ++i, pos += 20) {
      if (pos + 20 > startxref) return InternalError("pdf: unexpected xref");
      unsigned long offset = std::strtoul(pdf.c_str() + pos, nullptr, 10);
      if (pdf[pos + 17] == 'n' && offset > at) {
        char digits[11];
        std::snprintf(digits, sizeof digits, "%010lu", offset + delta);
        pdf.replace(pos, 10, digits);
      }
    }
  }
  const size_t value = startxref + 10;
  const size_t value_end = pdf.find_first_not_of("0123456789", value);
  const unsigned long xref_offset = std::strtoul(pdf.c_str() + value, nullptr, 10);
  pdf.replace(value, value_end - value, std::to_string(xref_offset + delta));
  pdf.insert(at, insert);
  return pdf;
}

}  // namespace

Result<std::string> WritePdf(const Document& document) {
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(AppendToString, &pdf, kPageWidth, kPageHeight);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, document.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, document.subject.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "selvhjelp");
  cairo_status_t status;
  {
    PdfWriter writer(surface, document);
    writer.Write();
    status = writer.status();
  }
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return InternalError(std::string("pdf: cairo: ") + cairo_status_to_string(status));
  }
  return WithLanguageAndMarkInfo(std::move(pdf), document.language);
}

}  // namespace selvhjelp::plugin::handout_internal
