#include "plugin/cds/card_builder.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>

#include "plugin/cds/vocabulary.h"
#include "plugin/groups/meeting_words.h"

namespace selvhjelp::plugin {

std::string NewUuid() {
  // Card and suggestion ids must be unique, not secret (feedback is JWT-authenticated), so a
  // per-thread generator seeded once from OpenSSL's CSPRNG serves; RAND_bytes per id cost more
  // than the rest of a card. Version 7 (RFC 9562): the first 48 bits are the Unix time in ms, so
  // ids sort by time and the store appends them instead of touching random B-tree pages.
  thread_local std::mt19937_64 generator = [] {
    std::array<uint64_t, 4> seed{};
    if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()), sizeof seed) != 1) {
      seed = {std::random_device{}(), std::random_device{}(), std::random_device{}(), std::random_device{}()};
    }
    std::seed_seq sequence(seed.begin(), seed.end());
    return std::mt19937_64(sequence);
  }();
  unsigned char b[16];
  uint64_t random_high = generator(), random_low = generator();
  std::memcpy(b + 6, &random_high, 2);
  std::memcpy(b + 8, &random_low, 8);
  const uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x70);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0F]);
  }
  return out;
}

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

using vocabulary::LevelInfo;

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

std::string GroupLine(const Group& g, const CardTexts& t) {
  std::string line = "- **" + EscapeMarkdown(g.name) + "**";
  std::vector<std::string> parts;
  if (g.national) {
    // A helpline or a national organisation's service: how to reach it.
    for (const std::string* contact : {&g.phone, &g.email, &g.website}) {
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
    for (const std::string* contact : {&g.phone, &g.email, &g.website}) {
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
    if (!g.website.empty()) parts.push_back(EscapeMarkdown(g.website));
    else if (!g.phone.empty()) parts.push_back(EscapeMarkdown(g.phone));
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

std::string Detail(const CardInput& in, const CardTexts& t) {
  std::string md;
  md.reserve(4096);  // the texts and a few groups: one allocation instead of a doubling series
  md += in.recipient == Recipient::kPatient ? t.detail_patient : t.detail_relatives;
  auto section = [&](const std::string& heading, const std::string& place, const std::vector<const Group*>& groups) {
    if (groups.empty()) return;
    md.append("\n**").append(heading);
    if (!place.empty()) md.append(": ").append(EscapeMarkdown(place));
    md += "**\n\n";
    for (const Group* g : groups) md.append(GroupLine(*g, t)).append("\n");
  };
  section(t.heading_municipality, in.municipality_name, in.groups->municipality);
  section(t.heading_county, in.county_name, in.groups->county);
  section(t.heading_region, in.region_name, in.groups->region);
  section(t.heading_digital, "", in.groups->digital);
  section(t.heading_alternatives, "", in.groups->alternatives);
  if (in.groups->size() == in.groups->national.size()) md.append("\n").append(t.group_none).append("\n");
  section(t.heading_national, "", in.groups->national);
  if (in.ehr_records_unknown) md.append("\n_").append(t.store_records).append("_\n");
  return md;
}

std::string GroupNames(const GroupMatch& match) {
  std::string names;
  for (const auto* list : {&match.municipality, &match.county, &match.region, &match.digital, &match.alternatives,
                           &match.national}) {
    for (const Group* g : *list) names += (names.empty() ? "" : "; ") + g->name;
  }
  return names;
}

void WriteReference(fhir::JsonStreamWriter& w, std::string_view key, const std::string& ref) {
  w.Key(key);
  w.StartObject();
  w.Member("reference", ref);
  w.EndObject();
}

void WriteCoding(fhir::JsonStreamWriter& w, std::string_view system, std::string_view code,
                 std::string_view display) {
  w.StartObject();
  w.Member("system", system);
  w.Member("code", code);
  w.Member("display", display);
  w.EndObject();
}

// `key`: [{"coding": [coding]}] — a one-coding CodeableConcept list.
void WriteConceptList(fhir::JsonStreamWriter& w, std::string_view key, std::string_view system,
                      std::string_view code, std::string_view display) {
  w.Key(key);
  w.StartArray();
  w.StartObject();
  w.Key("coding");
  w.StartArray();
  WriteCoding(w, system, code, display);
  w.EndArray();
  w.EndObject();
  w.EndArray();
}

void WriteCommunication(fhir::JsonStreamWriter& w, const CdsRequest& request, const CardInput& in,
                        const LevelInfo& level, const std::string& record_id, const std::string& payload) {
  w.StartObject();
  w.Member("resourceType", "Communication");
  w.Key("extension");
  w.StartArray();
  w.StartObject();
  w.Member("url", vocabulary::kLevelExtension);
  w.Key("valueCoding");
  WriteCoding(w, vocabulary::kLevelSystem, level.code, level.display);
  w.EndObject();
  w.EndArray();
  w.Key("identifier");
  w.StartArray();
  w.StartObject();
  w.Member("system", "urn:ietf:rfc:3986");
  w.Member("value", "urn:uuid:" + record_id);
  w.EndObject();
  w.EndArray();
  w.Member("status", "completed");
  WriteConceptList(w, "category", vocabulary::kCategorySystem, vocabulary::kCategoryCode,
                   "Information about self-help groups");
  WriteConceptList(w, "medium", vocabulary::kParticipationModeSystem, level.medium, level.medium_display);
  WriteReference(w, "subject", "Patient/" + request.patient_id);
  if (!request.encounter_id.empty()) WriteReference(w, "encounter", "Encounter/" + request.encounter_id);
  w.Member("sent", in.now_iso);
  w.Key("recipient");
  w.StartArray();
  for (const std::string& ref : in.recipient_refs) {
    w.StartObject();
    w.Member("reference", ref);
    w.EndObject();
  }
  w.EndArray();
  if (request.user_id.rfind("Practitioner", 0) == 0) WriteReference(w, "sender", request.user_id);
  w.Key("payload");
  w.StartArray();
  w.StartObject();
  w.Member("contentString", payload);
  w.EndObject();
  w.EndArray();
  w.EndObject();
}

}  // namespace

void WriteCard(fhir::JsonStreamWriter& w, const CdsRequest& request, const CardInput& in,
               const std::string& card_uuid, const CardTextCache& card_texts) {
  const CardTexts& t = card_texts.For(in.language);
  const bool patient = in.recipient == Recipient::kPatient;
  w.StartObject();
  w.Member("uuid", card_uuid);
  const TextTemplate& summary = !patient ? t.summary_relatives : in.discharge ? t.summary_discharge : t.summary_patient;
  w.Member("summary", summary.With(std::to_string(in.groups->size())));
  w.Member("detail", Detail(in, t));
  w.Member("indicator", "info");
  w.Key("source");
  w.StartObject();
  w.Member("label", t.source_label);
  w.Member("url", in.source_url);
  w.Key("topic");
  WriteCoding(w, vocabulary::kTopicSystem, "self-help-groups", "Self-help groups");
  w.EndObject();

  const std::string names = GroupNames(*in.groups);
  const std::string payload = t.payload.With(names.empty() ? "-" : names);
  w.Key("suggestions");
  w.StartArray();
  for (size_t i = 0; i < std::size(vocabulary::kLevels); ++i) {
    const LevelInfo& level = vocabulary::kLevels[i];
    if (!patient && level.code == "brokered") continue;  // consent is the patient's
    const std::string suggestion_uuid = NewUuid();
    w.StartObject();
    w.Member("label", t.level_label[i]);
    w.Member("uuid", suggestion_uuid);
    if (level.code == "conversation") {
      w.Key("isRecommended");
      w.Bool(true);
    }
    w.Key("actions");
    w.StartArray();
    w.StartObject();
    w.Member("type", "create");
    w.Member("description", patient ? t.level_for_patient[i] : t.level_for_relatives[i]);
    w.Key("resource");
    WriteCommunication(w, request, in, level, suggestion_uuid, payload);
    w.EndObject();
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Member("selectionBehavior", "at-most-one");
  w.Key("overrideReasons");
  w.StartArray();
  for (size_t i = 0; i < std::size(kOverrideCodes); ++i) {
    WriteCoding(w, vocabulary::kOverrideSystem, kOverrideCodes[i], t.override_display[i]);
  }
  w.EndArray();
  w.Key("links");
  w.StartArray();
  if (!in.app_launch_url.empty()) {
    w.StartObject();
    w.Member("label", t.link_app);
    w.Member("url", in.app_launch_url);
    w.Member("type", "smart");
    // A string (CDS Hooks 2.0): the EHR hands it to the app in the token response.
    w.Member("appContext", "{\"card\":\"" + card_uuid + "\"}");
    w.EndObject();
  }
  w.StartObject();
  w.Member("label", "Selvhjelp Norge");
  w.Member("url", "https://www.selvhjelp.no");
  w.Member("type", "absolute");
  w.EndObject();
  w.EndArray();
  w.EndObject();
}

}  // namespace selvhjelp::plugin
