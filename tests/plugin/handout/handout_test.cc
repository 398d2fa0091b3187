#define BOOST_TEST_MODULE handout_tests
#include <boost/test/unit_test.hpp>

#include "tests/plugin/handout/handout_test_util.h"

using namespace selvhjelp::plugin;
using namespace selvhjelp::plugin::testing;
namespace mappings = selvhjelp::mappings;

namespace {

Handout MakeHandout(const std::string& language, HandoutAudience audience) {
  Handout h;
  h.texts = &ShippedTexts();
  h.language = language;
  h.audience = audience;
  for (const Group& g : SyntheticGroups()) {
    if (audience == HandoutAudience::kRelatives ? ServesRelatives(g) : ServesPerson(g)) h.groups.push_back(g);
  }
  return h;
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(patient_handout_in_every_language_names_the_groups_and_the_fidelity_text) {
  const mappings::TextCatalog& t = ShippedTexts();
  BOOST_TEST(t.languages().size() >= 3u);
  for (const std::string& lang : t.languages()) {
    auto pdf = RenderHandoutPdf(MakeHandout(lang, HandoutAudience::kPatient));
    BOOST_REQUIRE_MESSAGE(pdf.ok(), pdf.status().message());
    const std::string text = PdfText(*pdf, "patient-" + lang + ".pdf");
    for (const char* name : {"AA Nygårdsgruppen", "NA Nettmøte kveld", "Samtalegruppe rus og mestring"}) {
      BOOST_TEST(Has(text, name), lang << ": " << name);
    }
    BOOST_TEST(!Has(text, "Al-Anon Sentrum"), lang);  // a relatives' group is not the patient's
    for (const char* key : {"handout.title.patient", "about.heading", "not.heading", "first.heading",
                            "worries.heading", "evidence.heading", "groups.heading.patient", "footer.private"}) {
      BOOST_TEST(Has(text, Squeeze(t.Get(lang, key))), lang << ": " << key);
    }
    // When and where in plain words, and how to join a contact point.
    BOOST_TEST(Has(text, t.Get(lang, "weekday.TU") + " 19:00"), lang);
    BOOST_TEST(Has(text, t.Get(lang, "weekday.MO") + ", " + t.Get(lang, "weekday.TH") + " 20:00"), lang);
    BOOST_TEST(Has(text, "Kirkegata 3, Bergen"), lang);
    BOOST_TEST(Has(text, Squeeze(t.Get(lang, "group.join.contact", {{"organisation", "Selvhjelp Norge"}}))), lang);
    // AA meets in person: come along. NA's meeting is online, and the directory has no link to it:
    // the reader is told to ask NA, not to "just come".
    BOOST_TEST(Has(text, Squeeze(t.Get(lang, "group.join.dropIn"))), lang);
    BOOST_TEST(Has(text, Squeeze(t.Get(lang, "group.join.contact", {{"organisation", "NA"}}))), lang);
    BOOST_TEST(Has(text, "kontakt@selvhjelp.example"), lang);
    BOOST_TEST(!Has(text, "["), lang << ": a text key is missing: " << text);
  }
}

BOOST_AUTO_TEST_CASE(a_contact_point_reads_as_one_and_national_services_come_last) {
  // As the demo's LINK Bergen listing and its national service RUSinfo (config/demo).
  Group link;
  link.id = "bgo-sh-1";
  link.name = "LINK Bergen og omegn (syntetisk)";
  link.organisation = "Selvhjelp Norge";
  link.kind = ListingKind::kContactPoint;
  link.access = Access::kClosed;
  link.min_age = 18;
  link.address = {"Eksempelkaien 6", "4601", "5014", "Bergen", std::nullopt, std::nullopt};
  link.details.Edit().email = "link-bergen@selvhjelp.example";
  link.details.Edit().website = "https://www.selvhjelp.no/bli-med/hva-er-en-selvorganisert-selvhjelpsgruppe/";
  Group rusinfo;
  rusinfo.id = "rusinfo";
  rusinfo.name = "RUSinfo: nasjonal informasjonstjeneste om rus";
  rusinfo.organisation = "RUSinfo";
  rusinfo.kind = ListingKind::kContactPoint;
  rusinfo.audience = Audience::kBoth;
  rusinfo.format = Format::kDigital;
  rusinfo.national = true;
  rusinfo.details.Edit().website = "https://www.helsenorge.no/en/parorende/substance-abuse-services-next-of-kin/";
  const mappings::TextCatalog& t = ShippedTexts();
  for (const std::string& lang : {std::string("nb"), std::string("nn"), std::string("en")}) {
    Handout h;
    h.texts = &t;
    h.language = lang;
    h.audience = HandoutAudience::kPatient;
    h.groups = {rusinfo, link, SyntheticGroups()[0]};  // the national service ticked first
    auto pdf = RenderHandoutPdf(h);
    BOOST_REQUIRE_MESSAGE(pdf.ok(), pdf.status().message());
    const std::string text = PdfText(*pdf, "contact-point-" + lang + ".pdf");
    BOOST_TEST_CONTEXT(lang << ":\n" << text) {
      // Who to contact to join or start a group, and no meeting times.
      BOOST_TEST(Has(text, "Selvhjelp Norge · " + Squeeze(t.Get(lang, "group.contactPoint"))));
      BOOST_TEST(Has(text, Squeeze(t.Get(lang, "group.join.contactPoint", {{"organisation", "Selvhjelp Norge"}}))));
      BOOST_TEST(!Has(text, Squeeze(t.Get(lang, "group.when.none"))));
      BOOST_TEST(!Has(text, "Selvhjelp Norge · " + t.Get(lang, "group.inPerson")));
      BOOST_TEST(!Has(text, Squeeze(t.Get(lang, "group.join.contact", {{"organisation", "Selvhjelp Norge"}}))));
      // The national service last, under its own heading, reached when it suits.
      const size_t heading = text.find(Squeeze(t.Get(lang, "groups.heading.national")));
      BOOST_TEST(heading != std::string::npos);
      BOOST_TEST(text.find("LINK Bergen og omegn") < heading);
      BOOST_TEST(text.find("AA Nygårdsgruppen") < heading);
      BOOST_TEST((text.find("RUSinfo: nasjonal") > heading && text.find("RUSinfo: nasjonal") != std::string::npos));
      BOOST_TEST(Has(text, "RUSinfo · " + t.Get(lang, "group.national")));
      BOOST_TEST(Has(text, Squeeze(t.Get(lang, "group.join.national"))));
    }
  }
}

BOOST_AUTO_TEST_CASE(relatives_handout_has_their_groups_and_section) {
  const mappings::TextCatalog& t = ShippedTexts();
  for (const std::string& lang : t.languages()) {
    auto pdf = RenderHandoutPdf(MakeHandout(lang, HandoutAudience::kRelatives));
    BOOST_REQUIRE_MESSAGE(pdf.ok(), pdf.status().message());
    const std::string text = PdfText(*pdf, "relatives-" + lang + ".pdf");
    BOOST_TEST(Has(text, "Al-Anon Sentrum"), lang);
    BOOST_TEST(Has(text, "Samtalegruppe rus og mestring"), lang);  // for both
    BOOST_TEST(!Has(text, "AA Nygårdsgruppen"), lang);
    BOOST_TEST(Has(text, Squeeze(t.Get(lang, "handout.title.relatives"))), lang);
    BOOST_TEST(Has(text, Squeeze(t.Get(lang, "relatives.heading"))), lang);
    BOOST_TEST(Has(text, "Al-Anon"), lang);
    // The relative is not in treatment, and their 12-step group is Al-Anon: their own words (the
    // first item of each list, as printed after its bullet).
    auto first_item = [&](const std::string& key) {
      const std::string list = t.Get(lang, key);
      return Squeeze(list.substr(2, list.find('\n') - 2));
    };
    BOOST_TEST(Has(text, first_item("not.text.relatives")), lang);
    BOOST_TEST(!Has(text, first_item("not.text")), lang);
    BOOST_TEST(Has(text, "Al-Anon, "), lang);  // "12-trinnsgrupper for pårørende, som Al-Anon, ..."
    BOOST_TEST(Has(text, "BaR"), lang);
    BOOST_TEST(Has(text, t.Get(lang, "ordinal.2") + " " + t.Get(lang, "day.TU")), lang);  // monthly
  }
}

BOOST_AUTO_TEST_CASE(the_patients_name_is_printed_only_when_asked) {
  Handout h = MakeHandout("nb", HandoutAudience::kPatient);
  h.date = "2026-03-14";
  auto anonymous = RenderHandoutPdf(h);
  BOOST_REQUIRE(anonymous.ok());
  std::string text = PdfText(*anonymous, "anonymous.pdf");
  BOOST_TEST(!Has(text, "Kari Nordmann"));
  BOOST_TEST(Has(text, "Dato: 14. mars 2026"));  // as the reader writes a date
  BOOST_TEST(Has(text, "Dette arket inneholder ingen opplysninger om deg."));

  h.print_name = "Kari Nordmann";
  auto named = RenderHandoutPdf(h);
  BOOST_REQUIRE(named.ok());
  text = PdfText(*named, "named.pdf");
  BOOST_TEST(Has(text, "Til: Kari Nordmann"));
  BOOST_TEST(!Has(text, "Dette arket inneholder ingen opplysninger om deg."));  // no longer true
  BOOST_TEST(Has(RenderHandoutHtml(h), "Til: Kari Nordmann"));
  h.print_name.clear();
  BOOST_TEST(!Has(RenderHandoutHtml(h), "Kari"));
  Handout en = MakeHandout("en", HandoutAudience::kPatient);
  en.date = "2026-03-14";
  BOOST_TEST(Has(RenderHandoutHtml(en), "Date: 14 March 2026"));
  en.date = "14.03.2026";  // not ISO: printed as given
  BOOST_TEST(Has(RenderHandoutHtml(en), "Date: 14.03.2026"));
  en.date = "2026-13-40";  // no such day: as given
  BOOST_TEST(Has(RenderHandoutHtml(en), "Date: 2026-13-40"));
  en.date = "2026-02-30";
  BOOST_TEST(Has(RenderHandoutHtml(en), "Date: 2026-02-30"));
}

BOOST_AUTO_TEST_CASE(pdf_is_a4_tagged_with_title_and_language) {
  for (const std::string& lang : ShippedTexts().languages()) {
    auto pdf = RenderHandoutPdf(MakeHandout(lang, HandoutAudience::kPatient));
    BOOST_REQUIRE(pdf.ok());
    const std::string info = PdfInfo(*pdf, "info-" + lang + ".pdf");
    BOOST_TEST(Has(Squeeze(info), "Title: " + ShippedTexts().Get(lang, "handout.title.patient")), info);
    BOOST_TEST(Has(Squeeze(info), "Tagged: yes"), info);
    BOOST_TEST(Has(info, "(A4)"), info);
    BOOST_TEST(!Has(info, "Error"), info);  // the /Lang insertion kept the cross-references right
    BOOST_TEST(!Has(info, "Warning"), info);
    BOOST_TEST(Has(*pdf, "/Lang (" + lang + ")"));
  }
}

BOOST_AUTO_TEST_CASE(html_is_self_contained_escaped_and_says_its_language) {
  Handout h = MakeHandout("nn", HandoutAudience::kPatient);
  h.groups[0].name = "Gruppe <script>alert(1)</script> & co";
  const std::string html = RenderHandoutHtml(h);
  BOOST_TEST(Has(html, "<html lang=\"nn\" dir=\"ltr\">"));
  BOOST_TEST(Has(html, "<title>Sjølvhjelpsgrupper"));
  BOOST_TEST(Has(html, "Gruppe &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
  BOOST_TEST(!Has(html, "<script"));
  BOOST_TEST(!Has(html, "<link"));
  BOOST_TEST(!Has(html, "src="));
  BOOST_TEST(!Has(html, "@import"));
  BOOST_TEST(Has(html, "@media print"));
  BOOST_TEST(Has(html, "<h1>"));
  BOOST_TEST(Has(html, "<h2>Kva er ei sjølvhjelpsgruppe?</h2>"));
  BOOST_TEST(Has(html, "<a href=\"mailto:kontakt@selvhjelp.example\">"));
  BOOST_TEST(Has(html, "<a href=\"https://na.example.org\">"));
}

BOOST_AUTO_TEST_CASE(names_in_sami_and_other_scripts_survive_into_the_pdf) {
  Handout h = MakeHandout("nb", HandoutAudience::kPatient);
  h.groups[0].name = "Ságastallanjoavku Kárášjohka ŋ đ ŧ";
  h.groups[1].name = "Группа поддержки Осло";
  auto pdf = RenderHandoutPdf(h);
  BOOST_REQUIRE(pdf.ok());
  const std::string text = PdfText(*pdf, "scripts.pdf");
  BOOST_TEST(Has(text, "Ságastallanjoavku Kárášjohka ŋ đ ŧ"), text);
  BOOST_TEST(Has(text, "Группа поддержки Осло"), text);
}

BOOST_AUTO_TEST_CASE(a_missing_language_is_refused) {
  Handout h = MakeHandout("nb", HandoutAudience::kPatient);
  h.language = "xx";
  BOOST_TEST(!RenderHandoutPdf(h).ok());
  h.texts = nullptr;
  BOOST_TEST(!RenderHandoutPdf(h).ok());
}

BOOST_AUTO_TEST_CASE(journal_note_in_every_language_says_who_how_what_and_never_refers) {
  const mappings::TextCatalog& t = ShippedTexts();
  for (const std::string& lang : t.languages()) {
    for (const char* level : {"written", "conversation", "brokered"}) {
      for (const char* response : {"interested", "thinking", "declined", "already-attends"}) {
        JournalNote n;
        n.texts = &t;
        n.language = lang;
        n.date = "2026-03-14";
        n.patient_informed = true;
        n.relative_roles = {"mor"};
        n.level = level;
        n.response = response;
        n.groups = {{"AA Nygårdsgruppen", "AA"}};
        n.practitioner_name = "Lege Testesen";
        n.practitioner_hpr = "9144900";
        auto pdf = RenderNotePdf(n);
        BOOST_REQUIRE_MESSAGE(pdf.ok(), pdf.status().message());
        const std::string text = PdfText(*pdf, std::string("note-") + lang + level + response + ".pdf");
        const std::string plain = Squeeze(RenderNoteText(n));
        for (const std::string& doc : {text, plain}) {
          BOOST_TEST(Has(doc, Squeeze(t.Get(lang, std::string("note.level.") + level))), lang << level);
          BOOST_TEST(Has(doc, Squeeze(t.Get(lang, std::string("note.response.") + response))), lang << response);
          BOOST_TEST(Has(doc, t.Get(lang, "note.informed.patient")), lang);
          BOOST_TEST(Has(doc, t.Get(lang, "note.informed.relative", {{"role", "mor"}})), lang);
          BOOST_TEST(Has(doc, "AA Nygårdsgruppen (AA)"), lang);
          BOOST_TEST(Has(doc, "2026-03-14"), lang);
          BOOST_TEST(Has(doc, "Lege Testesen, " + t.Get(lang, "note.hpr", {{"hpr", "9144900"}})), lang);
          // A handout alone is not a motivational conversation: the note says motivated only after one.
          BOOST_TEST(Has(doc, Squeeze(t.Get(lang, "note.motivated"))) == (std::string(level) != "written"), lang << level);
          for (const char* referral : {"henvis", "Henvis", "tilvis", "refer", "Refer"}) {
            BOOST_TEST(!Has(doc, referral), lang << ": " << referral);
          }
          BOOST_TEST(!Has(doc, "["), lang);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(journal_note_checks_its_codes) {
  JournalNote n;
  n.texts = &ShippedTexts();
  n.language = "nb";
  n.patient_informed = true;
  n.level = "referred";
  n.response = "interested";
  BOOST_TEST(!RenderNotePdf(n).ok());
  n.level = "written";
  n.response = "maybe";
  BOOST_TEST(!RenderNotePdf(n).ok());
  n.response = "declined";
  n.patient_informed = false;
  BOOST_TEST(!RenderNotePdf(n).ok());  // nobody informed
  n.relative_roles = {""};
  auto pdf = RenderNotePdf(n);
  BOOST_REQUIRE(pdf.ok());
  BOOST_TEST(Has(PdfText(*pdf, "relative-only.pdf"), "Informert: pårørende"));
}
