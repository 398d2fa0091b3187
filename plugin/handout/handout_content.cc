// The handout's content: what self-help is and is not, a first meeting, common worries, the
// evidence as the guideline states it, the chosen groups, and for relatives their own section.
#include <string>

#include "fhir/base/status_macros.h"
#include "fhir/r4/date_time.h"
#include "plugin/groups/meeting_words.h"
#include "plugin/handout/document.h"
#include "plugin/handout/handout.h"

namespace selvhjelp::plugin {

namespace {

using handout_internal::Block;
using handout_internal::Document;

// "organisation · 12-step · online": what kind of group it is, in one line. A contact point is
// not a meeting: "organisation · contact point for self-help groups (no regular meeting times)".
std::string KindLine(const Group& g, const Handout& h) {
  const mappings::TextCatalog& t = *h.texts;
  std::string line = g.organisation;
  auto add = [&](const std::string& part) { line += (line.empty() ? "" : " · ") + part; };
  if (g.national) add(t.Get(h.language, "group.national"));
  if (IsContactPoint(g)) {
    if (!g.national) add(t.Get(h.language, "group.contactPoint"));
    return line;
  }
  if (g.twelve_step) add(t.Get(h.language, "group.twelveStep"));
  add(t.Get(h.language, g.format == Format::kInPerson ? "group.inPerson"
                        : g.format == Format::kDigital ? "group.digital"
                                                        : "group.inPersonAndDigital"));
  return line;
}

// How to join: a national service when it suits you; a contact point by getting in touch to join
// or start a group; an open 12-step meeting in person by coming; any other group (an online one,
// whose link the directory does not give) by asking when and where.
std::string JoinWords(const Group& g, const Handout& h) {
  const mappings::TextCatalog& t = *h.texts;
  const std::string organisation = g.organisation.empty() ? g.name : g.organisation;
  if (IsContactPoint(g)) {
    return g.national ? t.Get(h.language, "group.join.national")
                      : t.Get(h.language, "group.join.contactPoint", {{"organisation", organisation}});
  }
  if (g.twelve_step && !g.meetings.empty() && g.format != Format::kDigital) {
    return t.Get(h.language, "group.join.dropIn");
  }
  return t.Get(h.language, "group.join.contact", {{"organisation", organisation}});
}

// "2026-03-14" as the reader writes a date ("14. mars 2026", "14 March 2026"); any other text, or
// a day that does not exist, as is.
std::string ReadableDate(const std::string& date, const Handout& h) {
  if (date.size() != 10 || !fhir::EpochDay(date)) return date;
  const int month = std::stoi(date.substr(5, 2));
  const int day = std::stoi(date.substr(8, 2));
  return h.texts->Get(h.language, "date.long",
                      {{"day", std::to_string(day)}, {"month", h.texts->Get(h.language, "month." + std::to_string(month))},
                       {"year", date.substr(0, 4)}});
}

std::string WebLink(const std::string& website) {
  if (website.rfind("https://", 0) == 0 || website.rfind("http://", 0) == 0) return website;
  return website.empty() ? "" : "https://" + website;
}

void AddGroup(Document& doc, const Group& g, const Handout& h) {
  const mappings::TextCatalog& t = *h.texts;
  const std::string& lang = h.language;
  doc.Add(Block::Kind::kSubheading, g.name);
  doc.Add(Block::Kind::kParagraph, KindLine(g, h));
  doc.AddField(t.Get(lang, "group.label.for"),
               t.Get(lang, g.audience == Audience::kPerson      ? "group.for.person"
                           : g.audience == Audience::kRelatives ? "group.for.relatives"
                                                                : "group.for.both"));
  if (!IsContactPoint(g)) {  // a contact point has no meeting times: the kind line says so
    std::string when;
    for (const Meeting& m : g.meetings) {
      if (std::string words = MeetingWords(m, lang, t); !words.empty()) when += (when.empty() ? "" : "; ") + words;
    }
    doc.AddField(t.Get(lang, "group.label.when"), when.empty() ? t.Get(lang, "group.when.none") : when);
  }
  if (std::string place = PlaceWords(g); !place.empty()) doc.AddField(t.Get(lang, "group.label.where"), place);
  doc.AddField(t.Get(lang, "group.label.join"), JoinWords(g, h));
  if (!g.details->phone.empty()) doc.AddField(t.Get(lang, "group.label.phone"), g.details->phone);
  if (!g.details->email.empty()) doc.AddField(t.Get(lang, "group.label.email"), g.details->email, "mailto:" + g.details->email);
  if (!g.details->website.empty()) doc.AddField(t.Get(lang, "group.label.web"), g.details->website, WebLink(g.details->website));
}

Document BuildHandout(const Handout& h) {
  const mappings::TextCatalog& t = *h.texts;
  const std::string& lang = h.language;
  const bool relatives = h.audience == HandoutAudience::kRelatives;
  Document doc;
  doc.language = lang;
  doc.right_to_left = t.Get(lang, "meta.direction") == "rtl";
  doc.title = t.Get(lang, relatives ? "handout.title.relatives" : "handout.title.patient");
  doc.subject = t.Get(lang, "handout.subject");
  doc.Add(Block::Kind::kTitle, doc.title);
  if (!h.print_name.empty()) doc.Add(Block::Kind::kParagraph, t.Get(lang, "handout.for", {{"name", h.print_name}}));
  if (!h.date.empty()) doc.Add(Block::Kind::kParagraph, t.Get(lang, "handout.date", {{"date", ReadableDate(h.date, h)}}));
  doc.AddProse(t.Get(lang, relatives ? "handout.intro.relatives" : "handout.intro.patient"));

  doc.Add(Block::Kind::kHeading, t.Get(lang, relatives ? "groups.heading.relatives" : "groups.heading.patient"));
  if (h.groups.empty()) doc.AddProse(t.Get(lang, "groups.none"));
  // Local listings in the order chosen, then the national services under their own heading.
  for (const Group& g : h.groups) {
    if (!g.national) AddGroup(doc, g, h);
  }
  bool national_heading = false;
  for (const Group& g : h.groups) {
    if (!g.national) continue;
    if (!national_heading) doc.Add(Block::Kind::kHeading, t.Get(lang, "groups.heading.national"));
    national_heading = true;
    AddGroup(doc, g, h);
  }

  // What a group is not, and a first meeting, are worded for the relative where the patient's words
  // would not fit them (they are not in treatment; their 12-step group is Al-Anon).
  for (const char* section : {"about", "not", "first", "worries"}) {
    const std::string key = std::string(section) + ".text";
    const bool own = relatives && (key == "not.text" || key == "first.text");
    doc.Add(Block::Kind::kHeading, t.Get(lang, std::string(section) + ".heading"));
    doc.AddProse(t.Get(lang, own ? key + ".relatives" : key));
  }
  if (relatives) {
    doc.Add(Block::Kind::kHeading, t.Get(lang, "relatives.heading"));
    doc.AddProse(t.Get(lang, "relatives.text"));
  } else {
    doc.Add(Block::Kind::kHeading, t.Get(lang, "evidence.heading"));
    doc.AddProse(t.Get(lang, "evidence.text"));
    doc.AddProse(t.Get(lang, "relatives.mention"));
  }
  doc.Add(Block::Kind::kHeading, t.Get(lang, "footer.heading"));
  doc.AddProse(t.Get(lang, "footer.text"));
  if (h.print_name.empty()) doc.AddProse(t.Get(lang, "footer.private"));
  return doc;
}

}  // namespace

Result<std::string> RenderHandoutPdf(const Handout& handout) {
  if (handout.texts == nullptr || !handout.texts->HasLanguage(handout.language)) {
    return FieldError("handout", "no texts in language '" + handout.language + "'");
  }
  return handout_internal::WritePdf(BuildHandout(handout));
}

std::string RenderHandoutHtml(const Handout& handout) { return handout_internal::WriteHtml(BuildHandout(handout)); }

}  // namespace selvhjelp::plugin
