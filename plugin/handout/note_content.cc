// The journal note: who was informed, how, what the patient answered, which groups were named,
// when and by whom. It records information given and motivation, never a referral.
#include "fhir/base/status_macros.h"
#include "plugin/handout/document.h"
#include "plugin/handout/handout.h"

namespace selvhjelp::plugin {

namespace {

using handout_internal::Block;
using handout_internal::Document;

bool OneOf(const std::string& value, std::initializer_list<const char*> codes) {
  for (const char* code : codes) {
    if (value == code) return true;
  }
  return false;
}

Status CheckNote(const JournalNote& n) {
  if (n.texts == nullptr || !n.texts->HasLanguage(n.language)) {
    return FieldError("note", "no texts in language '" + n.language + "'");
  }
  if (!OneOf(n.level, {"written", "conversation", "brokered"})) {
    return FieldError("note", "level '" + n.level + "' is not written, conversation or brokered");
  }
  if (!OneOf(n.response, {"interested", "thinking", "declined", "already-attends"})) {
    return FieldError("note", "response '" + n.response + "' is not interested, thinking, declined or already-attends");
  }
  if (!n.patient_informed && n.relative_roles.empty()) {
    return FieldError("note", "nobody is recorded as informed");
  }
  return OkStatus();
}

Document BuildNote(const JournalNote& n) {
  const mappings::TextCatalog& t = *n.texts;
  const std::string& lang = n.language;
  Document doc;
  doc.language = lang;
  doc.right_to_left = t.Get(lang, "meta.direction") == "rtl";
  doc.title = t.Get(lang, "note.title");
  doc.subject = t.Get(lang, "note.subject");
  doc.Add(Block::Kind::kTitle, doc.title);
  // A handout alone is information given; motivation needs a conversation (the levels differ in
  // what the evidence shows), so the note says so only when there was one.
  const bool conversation = n.level != "written";
  doc.AddProse(t.Get(lang, "note.summary") + (conversation ? " " + t.Get(lang, "note.motivated") : ""));

  std::vector<std::string> informed;
  if (n.patient_informed) informed.push_back(t.Get(lang, "note.informed.patient"));
  for (const std::string& role : n.relative_roles) {
    informed.push_back(role.empty() ? t.Get(lang, "note.informed.relativeUnnamed")
                                    : t.Get(lang, "note.informed.relative", {{"role", role}}));
  }
  std::string who;
  for (size_t i = 0; i < informed.size(); ++i) {
    who += (i == 0 ? "" : i + 1 == informed.size() ? t.Get(lang, "note.and") : ", ") + informed[i];
  }
  std::string groups;
  for (const NamedGroup& g : n.groups) {
    groups += (groups.empty() ? "" : "; ") + g.name + (g.organisation.empty() ? "" : " (" + g.organisation + ")");
  }
  std::string practitioner = n.practitioner_name;
  if (!n.practitioner_hpr.empty()) {
    practitioner += (practitioner.empty() ? "" : ", ") + t.Get(lang, "note.hpr", {{"hpr", n.practitioner_hpr}});
  }
  if (!n.date.empty()) doc.AddField(t.Get(lang, "note.label.date"), n.date);
  doc.AddField(t.Get(lang, "note.label.informed"), who);
  doc.AddField(t.Get(lang, "note.label.level"), t.Get(lang, "note.level." + n.level));
  doc.AddField(t.Get(lang, "note.label.response"), t.Get(lang, "note.response." + n.response));
  doc.AddField(t.Get(lang, "note.label.groups"), groups.empty() ? t.Get(lang, "note.groups.none") : groups);
  if (!practitioner.empty()) doc.AddField(t.Get(lang, "note.label.practitioner"), practitioner);
  doc.AddProse(t.Get(lang, "note.closing"));
  return doc;
}

}  // namespace

Result<std::string> RenderNotePdf(const JournalNote& note) {
  SELVHJELP_RETURN_IF_ERROR(CheckNote(note));
  return handout_internal::WritePdf(BuildNote(note));
}

std::string RenderNoteText(const JournalNote& note) { return handout_internal::WriteText(BuildNote(note)); }

}  // namespace selvhjelp::plugin
