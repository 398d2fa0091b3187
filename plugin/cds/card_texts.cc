#include "plugin/cds/card_texts.h"

#include "fhir/json/json_stream_writer.h"

namespace selvhjelp::plugin {

TextTemplate::TextTemplate(const std::string& text, std::string_view name) {
  const std::string token = "{" + std::string(name) + "}";
  size_t from = 0;
  for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, from)) {
    pieces_.push_back(text.substr(from, at - from));
    from = at + token.size();
  }
  pieces_.push_back(text.substr(from));
}

std::string TextTemplate::With(std::string_view value) const {
  std::string out;
  if (pieces_.empty()) return out;
  size_t size = value.size() * (pieces_.size() - 1);
  for (const std::string& piece : pieces_) size += piece.size();
  out.reserve(size);
  out += pieces_.front();
  for (size_t i = 1; i < pieces_.size(); ++i) out.append(value).append(pieces_[i]);
  return out;
}

CardTexts::CardTexts(const mappings::TextCatalog& texts, const std::string& language)
    : meetings(texts, language) {
  auto get = [&](std::string_view key) { return texts.Get(language, key); };
  auto escaped = [&](std::string_view key) { return fhir::JsonEscape(get(key)); };
  detail_patient = fhir::JsonEscape(get("detail.guideline") + "\n\n" + get("detail.evidence") + "\n\n" +
                                    get("detail.objections") + "\n");
  detail_relatives = fhir::JsonEscape(get("detail.relatives") + "\n");
  heading_municipality = escaped("heading.municipality");
  heading_county = escaped("heading.county");
  heading_region = escaped("heading.region");
  heading_digital = escaped("heading.digital");
  heading_alternatives = escaped("heading.alternatives");
  heading_national = escaped("heading.national");
  group_none = escaped("group.none");
  store_records = escaped("detail.storeRecords");
  source_label = get("source.label");
  link_app = get("link.app");
  open = get("group.open");
  closed = get("group.closed");
  wheelchair = get("group.wheelchair");
  twelve_step = get("group.twelveStep");
  digital = get("group.digital");
  report = get("group.report");
  contact = get("contactPoint.contact");
  contact_point = TextTemplate(get("contactPoint.line"), "organisation");
  languages = TextTemplate(get("group.languages"), "languages");
  summary_patient = TextTemplate(get("patient.summary"), "count");
  summary_discharge = TextTemplate(get("patient.summary.discharge"), "count");
  summary_relatives = TextTemplate(get("relatives.summary"), "count");
  summary_patient_one = get("patient.summary.one");
  summary_relatives_one = get("relatives.summary.one");
  payload = TextTemplate(get("payload"), "groups");
  const std::string to_patient = get("recipient.patient"), to_relatives = get("recipient.relatives");
  for (size_t i = 0; i < std::size(vocabulary::kLevels); ++i) {
    if (!vocabulary::OnCards(vocabulary::kLevels[i])) continue;
    const std::string level = "level." + std::string(vocabulary::kLevels[i].code);
    level_label[i] = get(level + ".label");
    level_for_patient[i] = texts.Get(language, level + ".description", {{"recipient", to_patient}});
    level_for_relatives[i] = texts.Get(language, level + ".description", {{"recipient", to_relatives}});
  }
  auto reasons = [&get](bool at_discharge) {
    fhir::JsonStreamWriter out;
    out.StartArray();
    for (const char* code : kOverrideCodes) {
      if (at_discharge && std::string_view(code) == "not-relevant-now") continue;
      out.StartObject();
      out.Member("system", vocabulary::kOverrideSystem);
      out.Member("code", code);
      out.Member("display", get(std::string("override.") + code));
      out.EndObject();
    }
    out.EndArray();
    return out.Take();
  };
  override_reasons = reasons(false);
  override_reasons_at_discharge = reasons(true);
}

CardTextCache::CardTextCache(const mappings::TextCatalog& texts) {
  for (const std::string& language : texts.languages()) languages_.emplace_back(language, CardTexts(texts, language));
  if (languages_.empty()) languages_.emplace_back("nb", CardTexts(texts, "nb"));  // "[key]" texts, as Get gives
}

const CardTexts& CardTextCache::For(std::string_view language) const {
  for (const auto& [name, card_texts] : languages_) {
    if (name == language) return card_texts;
  }
  return languages_.front().second;
}

}  // namespace selvhjelp::plugin
