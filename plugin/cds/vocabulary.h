#pragma once
// Code systems and extensions this service defines. The canonical base is a placeholder under the
// reserved .example domain until the hospital publishes the conformance resources in fhir/.
#include <string_view>

namespace selvhjelp::plugin::vocabulary {

inline constexpr std::string_view kCanonicalBase = "https://selvhjelp.example/fhir";
inline constexpr std::string_view kCategorySystem = "https://selvhjelp.example/fhir/CodeSystem/selvhjelp-category";
inline constexpr std::string_view kCategoryCode = "self-help-information";
inline constexpr std::string_view kLevelSystem = "https://selvhjelp.example/fhir/CodeSystem/intervention-level";
inline constexpr std::string_view kResponseSystem = "https://selvhjelp.example/fhir/CodeSystem/patient-response";
inline constexpr std::string_view kOverrideSystem = "https://selvhjelp.example/fhir/CodeSystem/override-reason";
inline constexpr std::string_view kTopicSystem = "https://selvhjelp.example/fhir/CodeSystem/selvhjelp-topic";
inline constexpr std::string_view kLevelExtension = "https://selvhjelp.example/fhir/StructureDefinition/intervention-level";
inline constexpr std::string_view kResponseExtension = "https://selvhjelp.example/fhir/StructureDefinition/patient-response";
inline constexpr std::string_view kParticipationModeSystem = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode";
inline constexpr std::string_view kThemeSystem = "https://selvhjelp.example/fhir/CodeSystem/group-theme";
inline constexpr std::string_view kCharacteristicSystem = "https://selvhjelp.example/fhir/CodeSystem/group-characteristic";
inline constexpr std::string_view kGroupIdSystem = "https://selvhjelp.example/fhir/NamingSystem/group-id";
inline constexpr std::string_view kKommunenummerSystem = "https://register.geonorge.no/subregister/sosi-kodelister/kartverket/kommunenummer-alle";
inline constexpr std::string_view kActReasonSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
inline constexpr std::string_view kMunicipalityExtension = "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode";
// The kommunenummer code system as an OID (Volven 3402), which DIPS Arena and older systems send.
inline constexpr std::string_view kKommunenummerOid = "urn:oid:2.16.578.1.12.4.1.1.3402";
// no-basis's property information (gårds-/bruksnummer and the property's municipality).
inline constexpr std::string_view kPropertyInformationExtension = "http://hl7.no/fhir/StructureDefinition/no-basis-propertyinformation";
// DIPS Arena's municipality extension on Address.district, as the DIPS IG's examples spell it
// and as DIPS's test environment sends it (NAV's published sample).
inline constexpr std::string_view kDipsMunicipalityExtensions[] = {
    "http://dips.no/fhir/R4/StructureDefinition/DipsPatientMunicipality",
    "http://dips.no/fhir/StructureDefinition/R4/DIPSPatientMunicipality",
};
inline bool IsMunicipalityExtension(std::string_view url) {
  if (url == kMunicipalityExtension) return true;
  for (std::string_view dips : kDipsMunicipalityExtensions) {
    if (url == dips) return true;
  }
  return false;
}
// DIPS Arena's care-episode ("omsorgsepisode") identifier on Encounter: DIPS has no
// EpisodeOfCare, and a DIPS encounter is known by this identifier.
inline constexpr std::string_view kDipsCareEpisodeSystem = "http://dips.no/fhir/namingsystem/dips-omsorgsepisodeid";
// Identifiers of the Procedure and Consent of a record ("<record id>/procedure"), and the tag
// that marks all four resources of one record (code: the record id).
inline constexpr std::string_view kRecordSystem = "https://selvhjelp.example/fhir/NamingSystem/record";
inline constexpr std::string_view kProfileBase = "https://selvhjelp.example/fhir/StructureDefinition/";
// What the patient agreed may be shared when contact is brokered (CodeSystem shared-contact-details,
// Consent.provision.code).
inline constexpr std::string_view kSharedDetailsSystem = "https://selvhjelp.example/fhir/CodeSystem/shared-contact-details";
struct SharedDetailsInfo {
  std::string_view code;
  std::string_view display;
};
inline constexpr SharedDetailsInfo kSharedDetails[] = {
    {"name-and-phone", "Name and phone number"},
    {"name-and-email", "Name and e-mail address"},
    {"name-only", "Name only"},
};
inline const SharedDetailsInfo* FindSharedDetails(std::string_view code) {
  for (const SharedDetailsInfo& details : kSharedDetails) {
    if (details.code == code) return &details;
  }
  return nullptr;
}

// The intervention levels (CodeSystem intervention-level) and the medium each is given by.
struct LevelInfo {
  std::string_view code;
  std::string_view display;
  std::string_view medium;  // v3-ParticipationMode
  std::string_view medium_display;
};
inline constexpr LevelInfo kLevels[] = {
    {"written", "Written material", "WRITTEN", "written"},
    {"conversation", "Conversation with a recommendation", "VERBAL", "verbal"},
    {"brokered", "Contact brokered with consent", "VERBAL", "verbal"},
};
// Whether a card offers the level as a suggestion. Brokered contact is recorded with the patient's
// consent (a Consent naming the organisation and what may be shared), which a card's one-click
// create cannot ask for: it is recorded in the app or through POST /records (domain rule 9).
inline bool OnCards(const LevelInfo& level) { return level.code != "brokered"; }
inline const LevelInfo* FindLevel(std::string_view code) {
  for (const LevelInfo& level : kLevels) {
    if (level.code == code) return &level;
  }
  return nullptr;
}

// The patient's answers (CodeSystem patient-response), with their displays.
struct ResponseInfo {
  std::string_view code;
  std::string_view display;
};
inline constexpr ResponseInfo kResponses[] = {
    {"interested", "Interested"},
    {"thinking", "Wants to think about it"},
    {"declined", "Declined"},
    {"already-attends", "Already attends"},
};

}  // namespace selvhjelp::plugin::vocabulary
