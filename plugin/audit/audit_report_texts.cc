#include "plugin/audit/audit_report_texts.h"

#include <array>

namespace selvhjelp::plugin {
namespace {

// One text in each language, side by side: bokmål, nynorsk, English.
using Words = std::array<const char*, 3>;

struct TextRow {
  std::string AuditReportTexts::*field;
  Words words;
};

const TextRow kTexts[] = {
    {&AuditReportTexts::html_lang, {"nb", "nn", "en"}},
    {&AuditReportTexts::title,
     {"Informasjon om selvhjelpsgrupper i rusbehandling", "Informasjon om sjølvhjelpsgrupper i rusbehandling",
      "Information about self-help groups in substance-use treatment"}},
    {&AuditReportTexts::intro,
     {"Periode {start} – {end}{unit}. Laget {generated}. Telt per pasientepisode. Rapporten har ingen "
      "pasientidentifikatorer; detaljlisten (drilldown.csv) har dem.",
      "Periode {start} – {end}{unit}. Laga {generated}. Talt per pasientepisode. Rapporten har ingen "
      "pasientidentifikatorar; detaljlista (drilldown.csv) har dei.",
      "Period {start} – {end}{unit}. Generated {generated}. Counted per patient-episode. No patient identifiers "
      "are in this report; the drill-down (drilldown.csv) has them."}},
    {&AuditReportTexts::unit_part, {", enhet {unit}", ", eining {unit}", ", unit {unit}"}},
    {&AuditReportTexts::group, {"Gruppe", "Gruppe", "Group"}},
    {&AuditReportTexts::episodes, {"Episoder", "Episodar", "Episodes"}},
    {&AuditReportTexts::excluded, {"Unntatt", "Unnateke", "Excluded"}},
    {&AuditReportTexts::informed, {"Informert", "Informert", "Informed"}},
    {&AuditReportTexts::share_informed, {"Andel informert", "Del informert", "Share informed"}},
    {&AuditReportTexts::patients, {"Pasienter", "Pasientar", "Patients"}},
    {&AuditReportTexts::relatives_row,
     {"Pårørende (pasienter med pårørende)", "Pårørande (pasientar med pårørande)", "Relatives (patients with relatives)"}},
    {&AuditReportTexts::compliance, {"Etterlevelse", "Etterleving", "Compliance"}},
    {&AuditReportTexts::by_unit,
     {"Pasienter informert, etter behandlingsenhet", "Pasientar informert, etter behandlingseining",
      "Patients informed, by treatment unit"}},
    {&AuditReportTexts::by_month,
     {"Pasienter informert, etter måneden episoden startet", "Pasientar informert, etter månaden episoden starta",
      "Patients informed, by month the episode started"}},
    {&AuditReportTexts::relatives_by_unit,
     {"Pårørende informert, etter behandlingsenhet", "Pårørande informert, etter behandlingseining",
      "Relatives informed, by treatment unit"}},
    {&AuditReportTexts::how, {"Hvordan, og hva svaret var", "Korleis, og kva svaret var", "How, and with what answer"}},
    {&AuditReportTexts::level_mix,
     {"{whose}: høyeste informasjonsnivå i episoden, informerte episoder",
      "{whose}: høgaste informasjonsnivå i episoden, informerte episodar",
      "{whose}: intervention level (highest during the episode), informed episodes"}},
    {&AuditReportTexts::response_mix,
     {"{whose}: svaret (siste registrering), informerte episoder", "{whose}: svaret (siste registrering), informerte episodar",
      "{whose}: response (latest record), informed episodes"}},
    {&AuditReportTexts::relatives, {"Pårørende", "Pårørande", "Relatives"}},
    {&AuditReportTexts::of, {"av", "av", "of"}},
    {&AuditReportTexts::note,
     {"Et nei teller som informert: informasjonen ble gitt. En episode er unntatt når pasienten døde, eller når den "
      "endte med overføring innen det konfigurerte antallet dager. Alle reglene står i docs/audit.md.",
      "Eit nei tel som informert: informasjonen vart gitt. Ein episode er unnateken når pasienten døydde, eller når "
      "han enda med overføring innan det konfigurerte talet på dagar. Alle reglane står i docs/audit.md.",
      "A decline counts as informed: the information was given. Episodes are excluded when the patient died, or when "
      "the episode ended in a transfer within the configured number of days. See docs/audit.md for every rule."}},
};

// Codes in the order the charts show them, with their names.
struct CodeRow {
  const char* code;
  Words words;
};

const CodeRow kLevels[] = {
    {"written", {"skriftlig informasjon", "skriftleg informasjon", "written information"}},
    {"conversation", {"samtale med anbefaling", "samtale med tilråding", "conversation with a recommendation"}},
    {"brokered", {"formidlet kontakt", "formidla kontakt", "contact arranged"}},
};

const CodeRow kResponses[] = {
    {"interested", {"interessert", "interessert", "interested"}},
    {"thinking", {"vil tenke på det", "vil tenkje på det", "wants to think about it"}},
    {"declined", {"takket nei", "takka nei", "declined"}},
    {"already-attends", {"deltar allerede", "deltek allereie", "already attends"}},
    {"not-recorded", {"ikke registrert", "ikkje registrert", "not recorded"}},
};

AuditReportTexts InLanguage(size_t column) {
  AuditReportTexts t;
  for (const TextRow& row : kTexts) t.*row.field = row.words[column];
  for (const CodeRow& row : kLevels) t.levels.emplace_back(row.code, row.words[column]);
  for (const CodeRow& row : kResponses) t.responses.emplace_back(row.code, row.words[column]);
  t.decimal_comma = column != 2;  // "67,8 %" in Norwegian
  return t;
}

}  // namespace

bool HasAuditReportLanguage(std::string_view language) { return language == "nb" || language == "nn" || language == "en"; }

const AuditReportTexts& AuditReportTextsFor(std::string_view language) {
  static const AuditReportTexts nb = InLanguage(0), nn = InLanguage(1), en = InLanguage(2);
  return language == "nn" ? nn : language == "en" ? en : nb;
}

}  // namespace selvhjelp::plugin
