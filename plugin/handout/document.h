#pragma once
// Document: the handout's and the note's content as a flat list of blocks, built once from the
// texts and written by each writer (PDF, HTML, plain text), so the three never drift apart.
// Internal to selvhjelp::handout.
#include <string>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"

namespace selvhjelp::plugin::handout_internal {

struct Block {
  enum class Kind {
    kTitle,       // the document's one first-level heading
    kHeading,     // a section (second level)
    kSubheading,  // a group's name, a worry (third level)
    kParagraph,
    kItem,        // a list item; consecutive items form one list
    kField,       // "label: text" on a line of its own
  };
  Kind kind = Kind::kParagraph;
  std::string text;
  std::string label;  // kField only
  std::string link;   // an https:// or mailto: target for the text; optional
};

struct Document {
  std::string language;   // BCP 47, for lang attributes and the PDF's /Lang
  bool right_to_left = false;
  std::string title;      // also the PDF's and the page's title
  std::string subject;    // the PDF's subject
  std::vector<Block> blocks;

  void Add(Block::Kind kind, std::string text) { blocks.push_back({kind, std::move(text), {}, {}}); }
  void AddField(std::string label, std::string text, std::string link = {}) {
    blocks.push_back({Block::Kind::kField, std::move(text), std::move(label), std::move(link)});
  }
  // Appends prose from a language file: blank lines separate blocks, a block of lines starting
  // with "- " is a list, a line starting with "### " is a subheading, other lines a paragraph.
  void AddProse(std::string_view text);
};

// The writers. Each takes a Document built by handout_content.cc or note_content.cc.
[[nodiscard]] Result<std::string> WritePdf(const Document& document);
std::string WriteHtml(const Document& document);
std::string WriteText(const Document& document);

}  // namespace selvhjelp::plugin::handout_internal
