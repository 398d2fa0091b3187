#pragma once
// CardTexts: a card's texts in one language that do not depend on the patient, looked up once
// (and filled in, where their values are fixed) when the service starts, so writing a card looks
// nothing up in the catalogue and copies no text it does not write. Each text is exactly what
// TextCatalog::Get gives for it.
#include <array>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mappings/text_catalog.h"
#include "plugin/cds/vocabulary.h"
#include "plugin/groups/meeting_words.h"

namespace selvhjelp::plugin {

// The override reasons a card offers, in order (CodeSystem override-reason).
inline constexpr const char* kOverrideCodes[] = {"declined", "already-attends", "not-relevant-now",
                                                 "informed-elsewhere"};

// A catalogue text with one placeholder {name}, split around it.
class TextTemplate {
 public:
  TextTemplate() = default;
  TextTemplate(const std::string& text, std::string_view name);
  // The text with `value` for each {name}: TextCatalog::Get(language, key, {{name, value}}).
  std::string With(std::string_view value) const;

 private:
  std::vector<std::string> pieces_;  // the text before, between and after the placeholders
};

struct CardTexts {
  // Precondition: texts.HasLanguage(language).
  CardTexts(const mappings::TextCatalog& texts, const std::string& language);

  // The detail's texts, escaped for JSON already (fhir::JsonEscape): the detail is written in
  // escaped pieces.
  std::string detail_patient;    // the patient card's detail up to the groups
  std::string detail_relatives;  // the relatives card's
  // Section headings: municipality, county, region, digital, alternatives, national.
  std::string heading_municipality, heading_county, heading_region, heading_digital, heading_alternatives,
      heading_national;
  std::string group_none, store_records;  // group.none, detail.storeRecords
  // The other texts are as the catalogue gives them.
  std::string source_label, link_app;
  // A group's words: group.open, .closed, .wheelchair, .twelveStep, .digital, .report, and
  // contactPoint.contact.
  std::string open, closed, wheelchair, twelve_step, digital, report, contact;
  TextTemplate contact_point;                  // contactPoint.line: {organisation}
  TextTemplate languages;                      // group.languages: {languages}
  TextTemplate summary_patient, summary_discharge, summary_relatives;  // {count}
  std::string summary_patient_one, summary_relatives_one;             // for exactly one group
  TextTemplate payload;                        // {groups}
  // By vocabulary::kLevels entry offered on cards (OnCards; others empty): its label, and its
  // description for the patient and for the relatives (recipient.* filled in).
  std::array<std::string, std::size(vocabulary::kLevels)> level_label, level_for_patient, level_for_relatives;
  // The card's overrideReasons: a JSON array of Codings (kOverrideSystem, each code, override.<code>);
  // at discharge, the last reminder, without "not-relevant-now" (there is no later visit).
  std::string override_reasons, override_reasons_at_discharge;
  MeetingVocabulary meetings;
};

// Every language's CardTexts, built once from the catalogue (which need not outlive it).
class CardTextCache {
 public:
  explicit CardTextCache(const mappings::TextCatalog& texts);
  // The texts of `language`; the catalogue's first language's when it has no such language
  // (callers choose a language the catalogue has).
  const CardTexts& For(std::string_view language) const;

 private:
  std::vector<std::pair<std::string, CardTexts>> languages_;
};

}  // namespace selvhjelp::plugin
