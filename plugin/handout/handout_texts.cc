#include "plugin/handout/handout_texts.h"

#include "plugin/handout/handout.h"

namespace selvhjelp::plugin {

namespace handout_internal {

const std::vector<std::string>& RequiredHandoutKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = {
        "meta.direction",
        "handout.title.patient", "handout.title.relatives", "handout.subject",
        "handout.intro.patient", "handout.intro.relatives", "handout.for", "handout.date",
        "about.heading", "about.text", "not.heading", "not.text", "not.text.relatives", "first.heading", "first.text",
        "first.text.relatives",
        "worries.heading", "worries.text", "evidence.heading", "evidence.text",
        "relatives.heading", "relatives.text", "relatives.mention",
        "groups.heading.patient", "groups.heading.relatives", "groups.none",
        "group.twelveStep", "group.digital", "group.inPerson", "group.inPersonAndDigital",
        "group.label.for", "group.label.when", "group.label.where", "group.label.phone",
        "group.label.email", "group.label.web", "group.label.join",
        "group.for.person", "group.for.relatives", "group.for.both",
        "group.when.none", "group.join.dropIn", "group.join.contact",
        "footer.heading", "footer.text", "footer.private",
        "schedule.monthly",
        "note.title", "note.subject", "note.summary", "note.motivated", "note.closing",
        "note.label.date", "note.label.informed", "note.label.level", "note.label.response",
        "note.label.groups", "note.label.practitioner",
        "note.informed.patient", "note.informed.relative", "note.informed.relativeUnnamed",
        "note.groups.none", "note.hpr", "note.and",
    };
    for (const char* day : {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}) {
      k.push_back(std::string("weekday.") + day);
      k.push_back(std::string("day.") + day);
    }
    for (const char* nth : {"1", "2", "3", "4", "5", "-1"}) k.push_back(std::string("ordinal.") + nth);
    k.push_back("date.long");
    for (int month = 1; month <= 12; ++month) k.push_back("month." + std::to_string(month));
    for (const char* level : {"written", "conversation", "brokered"}) k.push_back(std::string("note.level.") + level);
    for (const char* response : {"interested", "thinking", "declined", "already-attends"}) {
      k.push_back(std::string("note.response.") + response);
    }
    return k;
  }();
  return keys;
}

}  // namespace handout_internal

Result<mappings::TextCatalog> LoadHandoutTexts(const std::filesystem::path& dir) {
  return mappings::TextCatalog::LoadLanguageFiles(dir, handout_internal::RequiredHandoutKeys());
}

}  // namespace selvhjelp::plugin
