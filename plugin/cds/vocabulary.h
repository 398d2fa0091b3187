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

}  // namespace selvhjelp::plugin::vocabulary
