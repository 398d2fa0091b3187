#include "plugin/cds/card_builder.h"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <random>
#include <ctime>

#include "fhir/r4/coding.h"
#include "plugin/cds/vocabulary.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

std::string NewUuid() {
  // Card and suggestion ids must be unique, not secret (feedback is JWT-authenticated), so a
  // per-thread generator seeded once from OpenSSL's CSPRNG serves; RAND_bytes per id cost more
  // than the rest of a card.
  thread_local std::mt19937_64 generator = [] {
    std::array<uint64_t, 4> seed{};
    if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()), sizeof seed) != 1) {
      seed = {std::random_device{}(), std::random_device{}(), std::random_device{}(), std::random_device{}()};
    }
    std::seed_seq sequence(seed.begin(), seed.end());
    return std::mt19937_64(sequence);
  }();
  unsigned char b[16];
  uint64_t high = generator(), low = generator();
  std::memcpy(b, &high, 8);
  std::memcpy(b + 8, &low, 8);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
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

std::string IsoTimestamp(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string EscapeMarkdown(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\`*_{}[]<>#+!|~").find(c) != std::string_view::npos) out.push_back('\\');
    if (c == '\n' || c == '\r') c = ' ';
    out.push_back(c);
  }
  return out;
}

namespace {

struct Level {
  const char* code;
  const char* display;
  const char* medium;  // v3-ParticipationMode
  const char* medium_display;
};
constexpr Level kLevels[] = {
    {"written", "Written material", "WRITTEN", "written"},
    {"conversation", "Conversation with a recommendation", "VERBAL", "verbal"},
    {"brokered", "Contact brokered with consent", "VERBAL", "verbal"},
};
constexpr const char* kOverrideCodes[] = {"declined", "already-attends", "not-relevant-now",
                                          "informed-elsewhere"};

// "tirsdager 19:00" style text for a weekly rule; the time alone otherwise.
std::string ScheduleText(const Meeting& m, const std::string& language, const mappings::TextCatalog& texts) {
  size_t at = m.rrule.find("BYDAY=");
  bool weekly = m.rrule.find("FREQ=WEEKLY") != std::string::npos;
  if (weekly && at != std::string::npos && m.rrule.size() >= at + 8) {
    std::string day = m.rrule.substr(at + 6, 2);
    return texts.Get(language, "weekday." + day) + " " + m.start_time;
  }
  return m.start_time;
}

std::string GroupLine(const Group& g, const std::string& language, const mappings::TextCatalog& texts) {
  std::string line = "- **" + EscapeMarkdown(g.name) + "** (" + EscapeMarkdown(g.organisation);
  if (g.twelve_step) line += ", " + texts.Get(language, "group.twelveStep");
  if (IsDigital(g)) line += ", " + texts.Get(language, "group.digital");
  line += ")";
  std::vector<std::string> parts;
  for (const Meeting& m : g.meetings) parts.push_back(ScheduleText(m, language, texts));
  if (MeetsInPerson(g) && !g.address.city.empty()) {
    parts.push_back(EscapeMarkdown(g.address.line.empty() ? g.address.city
                                                          : g.address.line + ", " + g.address.city));
  }
  if (!g.website.empty()) parts.push_back(EscapeMarkdown(g.website));
  else if (!g.phone.empty()) parts.push_back(EscapeMarkdown(g.phone));
  for (size_t i = 0; i < parts.size(); ++i) line += (i == 0 ? ": " : ", ") + parts[i];
  return line;
}

std::string Detail(const CardInput& in, const mappings::TextCatalog& texts) {
  const std::string& lang = in.language;
  std::string md;
  if (in.recipient == Recipient::kPatient) {
    md = texts.Get(lang, "detail.guideline") + "\n\n" + texts.Get(lang, "detail.evidence") + "\n\n" +
         texts.Get(lang, "detail.objections") + "\n";
  } else {
    md = texts.Get(lang, "detail.relatives") + "\n";
  }
  auto section = [&](const char* heading, const std::vector<const Group*>& groups) {
    if (groups.empty()) return;
    md += "\n**" + texts.Get(lang, heading) + "**\n\n";
    for (const Group* g : groups) md += GroupLine(*g, lang, texts) + "\n";
  };
  section("heading.municipality", in.groups->municipality);
  section("heading.county", in.groups->county);
  section("heading.digital", in.groups->digital);
  section("heading.alternatives", in.groups->alternatives);
  if (in.groups->size() == 0) md += "\n" + texts.Get(lang, "group.none") + "\n";
  return md;
}

std::string GroupNames(const GroupMatch& match) {
  std::string names;
  for (const auto* list : {&match.municipality, &match.county, &match.digital, &match.alternatives}) {
    for (const Group* g : *list) names += (names.empty() ? "" : "; ") + g->name;
  }
  return names;
}

JsonValue Reference(const std::string& ref) {
  JsonValue r = JsonValue::Object();
  r.Set("reference", ref);
  return r;
}

JsonValue CodingJson(std::string_view system, std::string_view code, std::string_view display) {
  return fhir::ToJson({std::string(system), std::string(code), std::string(display)});
}

JsonValue Communication(const CdsRequest& request, const CardInput& in, const Level& level,
                        const std::string& record_id, const mappings::TextCatalog& texts) {
  JsonValue c = JsonValue::Object();
  c.Set("resourceType", "Communication");
  JsonValue& ext = c.Set("extension", JsonValue::Array()).Append(JsonValue::Object());
  ext.Set("url", vocabulary::kLevelExtension);
  ext.Set("valueCoding", CodingJson(vocabulary::kLevelSystem, level.code, level.display));
  JsonValue& identifier = c.Set("identifier", JsonValue::Array()).Append(JsonValue::Object());
  identifier.Set("system", "urn:ietf:rfc:3986");
  identifier.Set("value", "urn:uuid:" + record_id);
  c.Set("status", "completed");
  JsonValue& category = c.Set("category", JsonValue::Array()).Append(JsonValue::Object());
  category.Set("coding", JsonValue::Array())
      .Append(CodingJson(vocabulary::kCategorySystem, vocabulary::kCategoryCode,
                         "Information about self-help groups"));
  JsonValue& medium = c.Set("medium", JsonValue::Array()).Append(JsonValue::Object());
  medium.Set("coding", JsonValue::Array())
      .Append(CodingJson(vocabulary::kParticipationModeSystem, level.medium, level.medium_display));
  c.Set("subject", Reference("Patient/" + request.patient_id));
  if (!request.encounter_id.empty()) c.Set("encounter", Reference("Encounter/" + request.encounter_id));
  c.Set("sent", in.now_iso);
  JsonValue& recipients = c.Set("recipient", JsonValue::Array());
  for (const std::string& ref : in.recipient_refs) recipients.Append(Reference(ref));
  if (request.user_id.rfind("Practitioner", 0) == 0) c.Set("sender", Reference(request.user_id));
  JsonValue& payload = c.Set("payload", JsonValue::Array()).Append(JsonValue::Object());
  std::string names = GroupNames(*in.groups);
  payload.Set("contentString", texts.Get(in.language, "payload", {{"groups", names.empty() ? "-" : names}}));
  return c;
}

}  // namespace

JsonValue BuildCard(const CdsRequest& request, const CardInput& in, const mappings::TextCatalog& texts) {
  const std::string& lang = in.language;
  const bool patient = in.recipient == Recipient::kPatient;
  JsonValue card = JsonValue::Object();
  card.Set("uuid", NewUuid());
  std::string count = std::to_string(in.groups->size());
  std::string summary_key = !patient ? "relatives.summary"
                            : in.discharge ? "patient.summary.discharge"
                                           : "patient.summary";
  card.Set("summary", texts.Get(lang, summary_key, {{"count", count}}));
  card.Set("detail", Detail(in, texts));
  card.Set("indicator", "info");
  JsonValue& source = card.Set("source", JsonValue::Object());
  source.Set("label", texts.Get(lang, "source.label"));
  source.Set("url", in.source_url);
  source.Set("topic", CodingJson(vocabulary::kTopicSystem, "self-help-groups", "Self-help groups"));

  JsonValue& suggestions = card.Set("suggestions", JsonValue::Array());
  std::string recipient_text = texts.Get(lang, patient ? "recipient.patient" : "recipient.relatives");
  for (const Level& level : kLevels) {
    if (!patient && std::string_view(level.code) == "brokered") continue;  // consent is the patient's
    JsonValue suggestion = JsonValue::Object();
    std::string suggestion_uuid = NewUuid();
    suggestion.Set("label", texts.Get(lang, std::string("level.") + level.code + ".label"));
    suggestion.Set("uuid", suggestion_uuid);
    if (std::string_view(level.code) == "conversation") suggestion.Set("isRecommended", JsonValue::Bool(true));
    JsonValue action = JsonValue::Object();
    action.Set("type", "create");
    action.Set("description", texts.Get(lang, std::string("level.") + level.code + ".description",
                                        {{"recipient", recipient_text}}));
    action.Set("resource", Communication(request, in, level, suggestion_uuid, texts));
    suggestion.Set("actions", JsonValue::Array()).Append(std::move(action));
    suggestions.Append(std::move(suggestion));
  }
  card.Set("selectionBehavior", "at-most-one");
  JsonValue& reasons = card.Set("overrideReasons", JsonValue::Array());
  for (const char* code : kOverrideCodes) {
    reasons.Append(CodingJson(vocabulary::kOverrideSystem, code,
                              texts.Get(lang, std::string("override.") + code)));
  }
  JsonValue& links = card.Set("links", JsonValue::Array()).Append(JsonValue::Object());
  links.Set("label", "Selvhjelp Norge");
  links.Set("url", "https://www.selvhjelp.no");
  links.Set("type", "absolute");
  return card;
}

}  // namespace selvhjelp::plugin
