#include "plugin/cds/group_line.h"

#include <algorithm>
#include <array>
#include <shared_mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "plugin/groups/meeting_words.h"

namespace selvhjelp::plugin {

std::string EscapeMarkdown(std::string_view text) {
  static constexpr auto kMarkup = [] {
    std::array<bool, 256> markup{};
    for (unsigned char c : std::string_view("\\`*_{}[]<>#+!|~")) markup[c] = true;
    return markup;
  }();
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (kMarkup[static_cast<unsigned char>(c)]) out.push_back('\\');
    if (c == '\n' || c == '\r') c = ' ';
    out.push_back(c);
  }
  return out;
}

namespace {

// A link target that cannot end the markdown link early: spaces, parentheses and angle brackets
// percent-encoded (the sources check links at import; this keeps the markdown well formed).
void AppendLinkTarget(std::string& md, std::string_view url) {
  for (char c : url) {
    switch (c) {
      case '(': md += "%28"; break;
      case ')': md += "%29"; break;
      case '<': md += "%3C"; break;
      case '>': md += "%3E"; break;
      case ' ': md += "%20"; break;
      default: md.push_back(c);
    }
  }
}

// What people choose by, compactly: ", closed, 18+, wheelchair access, language: en".
void AppendAttributes(std::string& line, const Group& g, const CardTexts& t) {
  if (g.access != Access::kUnknown) line.append(", ").append(g.access == Access::kOpen ? t.open : t.closed);
  if (g.min_age > 0) line += ", " + std::to_string(g.min_age) + "+";
  if (g.wheelchair) line.append(", ").append(t.wheelchair);
  const bool only_norwegian = std::all_of(g.languages.begin(), g.languages.end(),
                                          [](const std::string& l) { return l == "nb" || l == "nn" || l == "no"; });
  if (!only_norwegian) {
    std::string codes;
    for (const std::string& l : g.languages) codes += (codes.empty() ? "" : "/") + l;
    line += ", " + t.languages.With(EscapeMarkdown(codes));
  }
}

}  // namespace

std::string GroupLine(const Group& g, const CardTexts& t) {
  std::string line = "- **" + EscapeMarkdown(g.name) + "**";
  std::vector<std::string> parts;
  if (g.national) {
    // A helpline or a national organisation's service: how to reach it.
    for (const std::string* contact : {&g.details->phone, &g.details->email, &g.details->website}) {
      if (!contact->empty()) parts.push_back(EscapeMarkdown(*contact));
    }
  } else if (IsContactPoint(g)) {
    // Worded for the clinician: who helps people join or start a group, and how to reach them (no
    // schedule). One wording for every organisation: "closed" means members only for Selvhjelp
    // Norge but "for those with the problem" for AA (Meeting Guide C), so it is an attribute here.
    line += ": " + t.contact_point.With(EscapeMarkdown(g.organisation));
    std::string attributes;
    AppendAttributes(attributes, g, t);
    if (!attributes.empty()) line += " (" + attributes.substr(2) + ")";
    line.append("; ").append(t.contact);
    for (const std::string* contact : {&g.details->phone, &g.details->email, &g.details->website}) {
      if (!contact->empty()) parts.push_back(EscapeMarkdown(*contact));
    }
    if (std::string place = PlaceWords(g); !place.empty()) parts.push_back(EscapeMarkdown(place));
  } else {
    line += " (" + EscapeMarkdown(g.organisation);
    if (g.twelve_step) line.append(", ").append(t.twelve_step);
    if (IsDigital(g)) line.append(", ").append(t.digital);
    AppendAttributes(line, g, t);
    line += ")";
    for (const Meeting& m : g.meetings) parts.push_back(MeetingWords(m, t.meetings));
    if (std::string place = PlaceWords(g); !place.empty()) parts.push_back(EscapeMarkdown(place));
    if (!g.details->website.empty()) parts.push_back(EscapeMarkdown(g.details->website));
    else if (!g.details->phone.empty()) parts.push_back(EscapeMarkdown(g.details->phone));
  }
  const bool worded = IsContactPoint(g) && !g.national;  // the line already ends "...; contact"
  for (size_t i = 0; i < parts.size(); ++i) line += (i == 0 ? (worded ? " " : ": ") : ", ") + parts[i];
  if (!g.report_to.empty()) {
    line.append(" · [").append(t.report).append("](");
    AppendLinkTarget(line, g.report_to);
    line += ")";
  }
  return line;
}


namespace {

// Bookkeeping per line kept: the map's node (key, string, next pointer, hash) and bucket.
constexpr size_t kLineOverhead = 96;

struct LineKey {
  const Group* group;
  const CardTexts* texts;  // stands for the language
  bool operator==(const LineKey&) const = default;
};

struct LineKeyHash {
  size_t operator()(const LineKey& key) const {
    return std::hash<const void*>()(key.group) * 31 + std::hash<const void*>()(key.texts);
  }
};

std::string EscapedLine(const Group& g, const CardTexts& t) {
  std::string line = GroupLine(g, t);
  line.push_back('\n');
  return fhir::JsonEscape(line);
}

}  // namespace

struct GroupLineCache::State {
  explicit State(const std::shared_ptr<const GroupDirectory>& s, size_t max) : snapshot(s), max_bytes(max) {}
  // Weak, so the cache does not keep an old snapshot's groups alive; its control block outlives
  // it, so a later snapshot never compares equal to it.
  const std::weak_ptr<const GroupDirectory> snapshot;
  const size_t max_bytes;
  mutable std::shared_mutex mutex;
  std::unordered_map<LineKey, std::string, LineKeyHash> lines;  // never erased: references stay valid
  size_t bytes = 0;
};

void GroupLineCache::Lines::Append(fhir::JsonStreamWriter& out, const Group& g, const CardTexts& t) const {
  const LineKey key{&g, &t};
  if (state_) {
    std::shared_lock lock(state_->mutex);
    if (auto found = state_->lines.find(key); found != state_->lines.end()) {
      out.EscapedPiece(found->second);
      return;
    }
  }
  std::string line = EscapedLine(g, t);
  out.EscapedPiece(line);
  if (!state_) return;
  std::unique_lock lock(state_->mutex);
  if (state_->bytes + line.size() + kLineOverhead > state_->max_bytes) return;
  const size_t size = line.size() + kLineOverhead;
  if (state_->lines.emplace(key, std::move(line)).second) state_->bytes += size;
}

GroupLineCache::Lines GroupLineCache::For(const std::shared_ptr<const GroupDirectory>& snapshot) const {
  Lines lines;
  if (!snapshot) return lines;
  std::lock_guard lock(mutex_);
  const auto same = [&](const std::weak_ptr<const GroupDirectory>& kept) {
    return !kept.owner_before(snapshot) && !snapshot.owner_before(kept);
  };
  if (!state_ || !same(state_->snapshot)) state_ = std::make_shared<State>(snapshot, max_bytes_);
  lines.state_ = state_;
  return lines;
}

size_t GroupLineCache::bytes() const {
  std::shared_ptr<State> state;
  {
    std::lock_guard lock(mutex_);
    state = state_;
  }
  if (!state) return 0;
  std::shared_lock lock(state->mutex);
  return state->bytes;
}

}  // namespace selvhjelp::plugin
