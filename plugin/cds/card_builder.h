#pragma once
// Builds the CDS Hooks card for one recipient kind (the patient, or the relatives).
#include <string>
#include <vector>

#include "fhir/json/json_stream_writer.h"
#include "plugin/cds/card_texts.h"
#include "plugin/cds/cds_request.h"
#include "plugin/cds/group_line.h"
#include "plugin/groups/group_directory.h"

namespace selvhjelp::plugin {

struct CardInput {
  Recipient recipient = Recipient::kPatient;
  std::string language;  // nb | nn | en
  bool discharge = false;  // the last reminder at discharge
  std::vector<std::string> recipient_refs;  // "Patient/x" or "RelatedPerson/y"...
  const GroupMatch* groups = nullptr;
  std::string municipality_name;  // for the section headings; empty when unknown
  std::string county_name;
  std::string region_name;
  std::string source_url;
  // The clinician app's launch URL (app.launchUrl): when set, the card gets a `smart` link to it
  // whose appContext names the card ({"card": "<card uuid>"}), so an EHR opens the app from it.
  std::string app_launch_url;
  std::string now_iso;  // the consultation time written as Communication.sent
  bool ehr_records_unknown = false;  // the detail says the decision used our store's records alone
  // The group lines kept for the directory snapshot `groups` points into; null: each line is
  // rendered for this card.
  const GroupLineCache::Lines* group_lines = nullptr;
};

// Writes a card: `card_uuid`, summary (<140 characters), markdown detail with the groups, source,
// one suggestion per intervention level (each creating the Communication that records it),
// selectionBehavior at-most-one, override reasons with displays in the card's language, and links
// (Selvhjelp Norge; the clinician app as a SMART link when configured).
// Streams straight into `out` (hook answers are built on the hot path), with the texts of
// input.language from `texts`.
void WriteCard(fhir::JsonStreamWriter& out, const CdsRequest& request, const CardInput& input,
               const std::string& card_uuid, const CardTextCache& texts);

// A time-ordered random UUID (version 7). Unique, not secret: do not use it as a credential.
std::string NewUuid();

}  // namespace selvhjelp::plugin
