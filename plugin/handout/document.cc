#include "plugin/handout/document.h"

namespace selvhjelp::plugin::handout_internal {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

void Document::AddProse(std::string_view text) {
  std::string paragraph;
  auto flush = [&] {
    if (!paragraph.empty()) Add(Block::Kind::kParagraph, std::move(paragraph));
    paragraph.clear();
  };
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('\n', at);
    std::string_view line = Trim(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (line.empty()) {
      flush();
    } else if (line.substr(0, 2) == "- ") {
      flush();
      Add(Block::Kind::kItem, std::string(Trim(line.substr(2))));
    } else if (line.substr(0, 4) == "### ") {
      flush();
      Add(Block::Kind::kSubheading, std::string(Trim(line.substr(4))));
    } else {
      paragraph += (paragraph.empty() ? "" : " ") + std::string(line);
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  flush();
}

std::string WriteText(const Document& document) {
  std::string out;
  Block::Kind previous = Block::Kind::kTitle;
  for (const Block& b : document.blocks) {
    const bool list_continues = b.kind == Block::Kind::kItem && previous == Block::Kind::kItem;
    const bool fields_continue = b.kind == Block::Kind::kField && previous == Block::Kind::kField;
    if (!out.empty() && !list_continues && !fields_continue) out += "\n";
    switch (b.kind) {
      case Block::Kind::kTitle:
        out += b.text + "\n" + std::string(CodePoints(b.text), '=') + "\n";
        break;
      case Block::Kind::kItem: out += "- " + b.text + "\n"; break;
      case Block::Kind::kField: out += b.label + ": " + b.text + "\n"; break;
      default: out += b.text + "\n"; break;
    }
    previous = b.kind;
  }
  return out;
}

}  // namespace selvhjelp::plugin::handout_internal
