#pragma once
// The handout a clinician gives a patient or a relative about self-help groups, and the journal
// note that records the information given, as PDF (A4, tagged, with title and language) and as
// printable HTML or plain text. Every word comes from the language files in
// mappings/data/handout/ (docs/handout.md); adding a language is adding a file.
//
// Privacy: a handout carries nothing about the patient unless the caller sets print_name. A note
// carries what it is given (roles, level, response, groups, practitioner), never a patient id.
// Wording follows the guideline: the reader is informed and motivated, never "referred".
//
// All functions are pure and thread-safe; the catalog a Handout or JournalNote points to is
// borrowed and must outlive the call.
#include <filesystem>
#include <string>
#include <vector>

#include "fhir/base/result.h"
#include "mappings/text_catalog.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

// Loads mappings/data/handout/<language>.json. InvalidArgument listing every problem as
// "file:line: field: what": bad JSON, a key one language has and another lacks, a key the
// renderers need that no file has. Load once at start-up and share.
[[nodiscard]] Result<mappings::TextCatalog> LoadHandoutTexts(const std::filesystem::path& dir);

enum class HandoutAudience { kPatient, kRelatives };

struct Handout {
  const mappings::TextCatalog* texts = nullptr;  // from LoadHandoutTexts; required
  std::string language;                          // one of texts->languages()
  HandoutAudience audience = HandoutAudience::kPatient;
  std::vector<Group> groups;  // the groups the clinician chose, in the order to print
  std::string print_name;     // printed as "For: NAME" only when the clinician asked; else empty
  std::string date;           // the day it was given; "2026-03-14" is printed "14. mars 2026", other text as is; optional
};

// The handout as a PDF document (bytes). InvalidArgument when texts is missing or does not have
// the language; Internal when cairo fails to write.
[[nodiscard]] Result<std::string> RenderHandoutPdf(const Handout& handout);
// The same content as one self-contained HTML page (no external fonts, scripts or styles; print
// CSS for A4). Precondition: handout.texts has handout.language.
std::string RenderHandoutHtml(const Handout& handout);

// A group named in the conversation, as the record keeps it.
struct NamedGroup {
  std::string name;
  std::string organisation;
};

// What the journal note records (issue 10's `document` write-back mode).
struct JournalNote {
  const mappings::TextCatalog* texts = nullptr;  // from LoadHandoutTexts; required
  std::string language;                          // the record system's language, e.g. "nb"
  std::string date;                              // when it was given, printed as is
  bool patient_informed = false;
  std::vector<std::string> relative_roles;  // one per relative informed, e.g. "mor"; may be empty text
  std::string level;     // written | conversation | brokered
  std::string response;  // interested | thinking | declined | already-attends
  std::vector<NamedGroup> groups;
  std::string practitioner_name;  // optional
  std::string practitioner_hpr;   // HPR number; optional
};

// The note as a PDF. InvalidArgument when texts or the language is missing, the level or response
// is not one of the codes above, or nobody is recorded as informed; Internal when cairo fails.
[[nodiscard]] Result<std::string> RenderNotePdf(const JournalNote& note);
// The note as plain text (UTF-8, one "Label: value" line per field), for DocumentReference's
// text/plain attachment. Precondition: the note passes RenderNotePdf's checks.
std::string RenderNoteText(const JournalNote& note);

}  // namespace selvhjelp::plugin
