#include "plugin/cds/card_builder.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>

#include "plugin/cds/vocabulary.h"

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

namespace {

using vocabulary::LevelInfo;

// The markdown detail: the texts, then the groups section by section. Written in pieces, most of
// them escaped already: the texts (CardTexts) and the groups' lines (GroupLineCache).
void WriteDetail(fhir::JsonStreamWriter& w, const CardInput& in, const CardTexts& t) {
  const GroupLineCache::Lines uncached;
  const GroupLineCache::Lines& lines = in.group_lines ? *in.group_lines : uncached;
  w.Key("detail");
  w.StartString();
  w.EscapedPiece(in.recipient == Recipient::kPatient ? t.detail_patient : t.detail_relatives);
  auto section = [&](const std::string& heading, const std::string& place, const std::vector<const Group*>& groups) {
    if (groups.empty()) return;
    w.EscapedPiece("\\n**");
    w.EscapedPiece(heading);
    if (!place.empty()) {
      w.EscapedPiece(": ");
      w.StringPiece(EscapeMarkdown(place));
    }
    w.EscapedPiece("**\\n\\n");
    for (const Group* g : groups) lines.Append(w, *g, t);
  };
  section(t.heading_municipality, in.municipality_name, in.groups->municipality);
  section(t.heading_county, in.county_name, in.groups->county);
  section(t.heading_region, in.region_name, in.groups->region);
  section(t.heading_digital, "", in.groups->digital);
  section(t.heading_alternatives, "", in.groups->alternatives);
  if (in.groups->size() == in.groups->national.size()) {
    w.EscapedPiece("\\n");
    w.EscapedPiece(t.group_none);
    w.EscapedPiece("\\n");
  }
  section(t.heading_national, "", in.groups->national);
  if (in.ehr_records_unknown) {
    w.EscapedPiece("\\n_");
    w.EscapedPiece(t.store_records);
    w.EscapedPiece("_\\n");
  }
  w.EndString();
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

// The members `write` writes into an object, as JSON text without the braces (for Raw).
template <typename Write>
std::string MembersJson(const Write& write) {
  fhir::JsonStreamWriter w;
  w.StartObject();
  write(w);
  w.EndObject();
  const std::string text = w.Take();
  return text.substr(1, text.size() - 2);
}

// The parts of every card that depend on nothing, as JSON text, written once.
struct FixedParts {
  FixedParts() {
    topic = MembersJson([](fhir::JsonStreamWriter& w) {
      w.Key("topic");
      WriteCoding(w, vocabulary::kTopicSystem, "self-help-groups", "Self-help groups");
    });
    for (size_t i = 0; i < std::size(vocabulary::kLevels); ++i) {
      const LevelInfo& level = vocabulary::kLevels[i];
      level_head[i] = MembersJson([&level](fhir::JsonStreamWriter& w) {
        w.Member("resourceType", "Communication");
        w.Key("extension");
        w.StartArray();
        w.StartObject();
        w.Member("url", vocabulary::kLevelExtension);
        w.Key("valueCoding");
        WriteCoding(w, vocabulary::kLevelSystem, level.code, level.display);
        w.EndObject();
        w.EndArray();
      });
      level_body[i] = MembersJson([&level](fhir::JsonStreamWriter& w) {
        w.Member("status", "completed");
        WriteConceptList(w, "category", vocabulary::kCategorySystem, vocabulary::kCategoryCode,
                         "Information about self-help groups");
        WriteConceptList(w, "medium", vocabulary::kParticipationModeSystem, level.medium, level.medium_display);
      });
    }
    fhir::JsonStreamWriter w;
    w.StartObject();
    w.Member("label", "Selvhjelp Norge");
    w.Member("url", "https://www.selvhjelp.no");
    w.Member("type", "absolute");
    w.EndObject();
    organisation_link = w.Take();
  }
  std::string topic;  // the source's "topic"
  // By vocabulary::kLevels entry, a Communication's members before its identifier
  // ("resourceType", "extension") and after it ("status", "category", "medium").
  std::array<std::string, std::size(vocabulary::kLevels)> level_head, level_body;
  std::string organisation_link;  // the link to Selvhjelp Norge
};

const FixedParts& Fixed() {
  static const FixedParts parts;
  return parts;
}

// The members every Communication of a card has alike (subject, encounter, sent, recipient, sender,
// payload), as JSON text: written once per card, copied into each suggestion.
std::string SharedCommunicationMembers(const CdsRequest& request, const CardInput& in, const std::string& payload) {
  return MembersJson([&](fhir::JsonStreamWriter& w) {
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
  });
}

// `index`: the level's entry in vocabulary::kLevels; `shared` is SharedCommunicationMembers.
void WriteCommunication(fhir::JsonStreamWriter& w, size_t index, const std::string& record_id,
                        const std::string& shared) {
  w.StartObject();
  w.Raw(Fixed().level_head[index]);
  w.Key("identifier");
  w.StartArray();
  w.StartObject();
  w.Member("system", "urn:ietf:rfc:3986");
  w.Member("value", "urn:uuid:" + record_id);
  w.EndObject();
  w.EndArray();
  w.Raw(Fixed().level_body[index]);
  w.Raw(shared);
  w.EndObject();
}

}  // namespace

void WriteCard(fhir::JsonStreamWriter& w, const CdsRequest& request, const CardInput& in,
               const std::string& card_uuid, const CardTextCache& card_texts) {
  const CardTexts& t = card_texts.For(in.language);
  const bool patient = in.recipient == Recipient::kPatient;
  w.StartObject();
  w.Member("uuid", card_uuid);
  const bool discharge = patient && in.discharge;  // its summary names no count
  const TextTemplate& summary = !patient ? t.summary_relatives : discharge ? t.summary_discharge : t.summary_patient;
  const size_t count = in.groups->size();
  if (count == 1 && !discharge) {  // "1 aktuell gruppe", not "1 aktuelle grupper"
    w.Member("summary", patient ? t.summary_patient_one : t.summary_relatives_one);
  } else {
    w.Member("summary", summary.With(std::to_string(count)));
  }
  WriteDetail(w, in, t);
  w.Member("indicator", "info");
  w.Key("source");
  w.StartObject();
  w.Member("label", t.source_label);
  w.Member("url", in.source_url);
  w.Raw(Fixed().topic);
  w.EndObject();

  const std::string names = GroupNames(*in.groups);
  const std::string shared = SharedCommunicationMembers(request, in, t.payload.With(names.empty() ? "-" : names));
  w.Key("suggestions");
  w.StartArray();
  for (size_t i = 0; i < std::size(vocabulary::kLevels); ++i) {
    const LevelInfo& level = vocabulary::kLevels[i];
    if (!vocabulary::OnCards(level)) continue;
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
    WriteCommunication(w, i, suggestion_uuid, shared);
    w.EndObject();
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Member("selectionBehavior", "at-most-one");
  w.Key("overrideReasons");
  w.Raw(in.discharge ? t.override_reasons_at_discharge : t.override_reasons);
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
  w.Raw(Fixed().organisation_link);
  w.EndArray();
  w.EndObject();
}

}  // namespace selvhjelp::plugin
