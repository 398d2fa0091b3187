#include "plugin/audit/audit_report_texts.h"

namespace selvhjelp::plugin {
namespace {

AuditReportTexts Bokmal() {
  AuditReportTexts t;
  t.html_lang = "nb";
  t.decimal_comma = true;
  t.title = "Informasjon om selvhjelpsgrupper i rusbehandling";
  t.intro = "Periode {start} – {end}{unit}. Laget {generated}. Telt per pasientepisode. Rapporten har ingen "
            "pasientidentifikatorer; detaljlisten (drilldown.csv) har dem.";
  t.unit_part = ", enhet {unit}";
  t.group = "Gruppe";
  t.episodes = "Episoder";
  t.excluded = "Unntatt";
  t.informed = "Informert";
  t.share_informed = "Andel informert";
  t.patients = "Pasienter";
  t.relatives_row = "Pårørende (pasienter med pårørende)";
  t.compliance = "Etterlevelse";
  t.by_unit = "Pasienter informert, etter behandlingsenhet";
  t.by_month = "Pasienter informert, etter måneden episoden startet";
  t.relatives_by_unit = "Pårørende informert, etter behandlingsenhet";
  t.how = "Hvordan, og hva svaret var";
  t.level_mix = "{whose}: høyeste informasjonsnivå i episoden, informerte episoder";
  t.response_mix = "{whose}: svaret (siste registrering), informerte episoder";
  t.whose_patients = "Pasienter";
  t.whose_relatives = "Pårørende";
  t.of = "av";
  t.levels = {{"written", "skriftlig informasjon"}, {"conversation", "samtale med anbefaling"},
              {"brokered", "formidlet kontakt"}};
  t.responses = {{"interested", "interessert"}, {"thinking", "vil tenke på det"}, {"declined", "takket nei"},
                 {"already-attends", "deltar allerede"}, {"not-recorded", "ikke registrert"}};
  t.note = "Et nei teller som informert: informasjonen ble gitt. En episode er unntatt når pasienten døde, eller når "
           "den endte med overføring innen det konfigurerte antallet dager. Alle reglene står i docs/audit.md.";
  return t;
}

AuditReportTexts Nynorsk() {
  AuditReportTexts t = Bokmal();
  t.html_lang = "nn";
  t.title = "Informasjon om sjølvhjelpsgrupper i rusbehandling";
  t.intro = "Periode {start} – {end}{unit}. Laga {generated}. Talt per pasientepisode. Rapporten har ingen "
            "pasientidentifikatorar; detaljlista (drilldown.csv) har dei.";
  t.unit_part = ", eining {unit}";
  t.excluded = "Unnateke";
  t.share_informed = "Del informert";
  t.relatives_row = "Pårørande (pasientar med pårørande)";
  t.patients = "Pasientar";
  t.compliance = "Etterleving";
  t.by_unit = "Pasientar informert, etter behandlingseining";
  t.by_month = "Pasientar informert, etter månaden episoden starta";
  t.relatives_by_unit = "Pårørande informert, etter behandlingseining";
  t.how = "Korleis, og kva svaret var";
  t.level_mix = "{whose}: høgaste informasjonsnivå i episoden, informerte episodar";
  t.response_mix = "{whose}: svaret (siste registrering), informerte episodar";
  t.whose_patients = "Pasientar";
  t.whose_relatives = "Pårørande";
  t.levels = {{"written", "skriftleg informasjon"}, {"conversation", "samtale med tilråding"},
              {"brokered", "formidla kontakt"}};
  t.responses = {{"interested", "interessert"}, {"thinking", "vil tenkje på det"}, {"declined", "takka nei"},
                 {"already-attends", "deltek allereie"}, {"not-recorded", "ikkje registrert"}};
  t.episodes = "Episodar";
  t.note = "Eit nei tel som informert: informasjonen vart gitt. Ein episode er unnateken når pasienten døydde, eller når "
           "han enda med overføring innan det konfigurerte talet på dagar. Alle reglane står i docs/audit.md.";
  return t;
}

AuditReportTexts English() {
  AuditReportTexts t;
  t.html_lang = "en";
  t.decimal_comma = false;
  t.title = "Information about self-help groups in substance-use treatment";
  t.intro = "Period {start} – {end}{unit}. Generated {generated}. Counted per patient-episode. No patient identifiers "
            "are in this report; the drill-down (drilldown.csv) has them.";
  t.unit_part = ", unit {unit}";
  t.group = "Group";
  t.episodes = "Episodes";
  t.excluded = "Excluded";
  t.informed = "Informed";
  t.share_informed = "Share informed";
  t.patients = "Patients";
  t.relatives_row = "Relatives (patients with relatives)";
  t.compliance = "Compliance";
  t.by_unit = "Patients informed, by treatment unit";
  t.by_month = "Patients informed, by month the episode started";
  t.relatives_by_unit = "Relatives informed, by treatment unit";
  t.how = "How, and with what answer";
  t.level_mix = "{whose}: intervention level (highest during the episode), informed episodes";
  t.response_mix = "{whose}: response (latest record), informed episodes";
  t.whose_patients = "Patients";
  t.whose_relatives = "Relatives";
  t.of = "of";
  t.levels = {{"written", "written information"}, {"conversation", "conversation with a recommendation"},
              {"brokered", "contact arranged"}};
  t.responses = {{"interested", "interested"}, {"thinking", "wants to think about it"}, {"declined", "declined"},
                 {"already-attends", "already attends"}, {"not-recorded", "not recorded"}};
  t.note = "A decline counts as informed: the information was given. Episodes are excluded when the patient died, or "
           "when the episode ended in a transfer within the configured number of days. See docs/audit.md for every rule.";
  return t;
}

}  // namespace

bool HasAuditReportLanguage(std::string_view language) { return language == "nb" || language == "nn" || language == "en"; }

const AuditReportTexts& AuditReportTextsFor(std::string_view language) {
  static const AuditReportTexts nb = Bokmal(), nn = Nynorsk(), en = English();
  return language == "nn" ? nn : language == "en" ? en : nb;
}

}  // namespace selvhjelp::plugin
