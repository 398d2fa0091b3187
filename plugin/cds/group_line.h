#pragma once
// A group's line in a card's markdown detail, and GroupLineCache, which keeps each group's line
// once rendered so a card copies its groups' lines instead of building them on every call.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "fhir/json/json_stream_writer.h"
#include "plugin/cds/card_texts.h"
#include "plugin/groups/group_directory.h"

namespace selvhjelp::plugin {

// Escapes markdown punctuation so names from a directory cannot inject links or markup.
std::string EscapeMarkdown(std::string_view text);

// The markdown list item for `g` in the language of `t` (no newline): its name, organisation and
// attributes, meetings or contacts, place and website, and the link to report it.
std::string GroupLine(const Group& g, const CardTexts& t);

// Each group's line (GroupLine and a newline, escaped for JSON) per language, for the directory
// snapshot of the last lookup: a lookup for another snapshot (the directory was refreshed) drops
// the lines kept and starts over, so a line never outlives its group. Filled as cards show groups,
// up to `max_bytes` (lines with their bookkeeping): beyond that, lines are rendered on each call.
// Thread-safe.
class GroupLineCache {
 public:
  // 8 MB: about 25,000 lines, well over the groups a hospital's patients are shown.
  static constexpr size_t kDefaultMaxBytes = 8 << 20;
  explicit GroupLineCache(size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}
  GroupLineCache(const GroupLineCache&) = delete;
  GroupLineCache& operator=(const GroupLineCache&) = delete;

  struct State;  // the lines of one snapshot
  // The lines of one snapshot, for writing the cards of one answer.
  class Lines {
   public:
    // Appends the line of `g` in the language of `t` as an escaped piece of the string `out` is
    // writing (JsonStreamWriter::EscapedPiece). Preconditions: `g` belongs to the snapshot; `t`
    // outlives the cache (lines are kept by its address: the service's CardTextCache).
    void Append(fhir::JsonStreamWriter& out, const Group& g, const CardTexts& t) const;

   private:
    friend class GroupLineCache;
    std::shared_ptr<State> state_;  // null: lines rendered on each call
  };
  // The lines of `snapshot` (a null snapshot keeps none).
  Lines For(const std::shared_ptr<const GroupDirectory>& snapshot) const;
  // The bytes kept now, bookkeeping included.
  size_t bytes() const;

 private:
  const size_t max_bytes_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<State> state_;
};

}  // namespace selvhjelp::plugin
