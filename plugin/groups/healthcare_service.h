#pragma once
// A group as a FHIR R4 HealthcareService, for other systems that read the directory
// (GET /directory/groups, `selvhjelp directory export --format fhir`).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/json_value.h"
#include "plugin/groups/group.h"
#include "plugin/groups/source_confirmations.h"

namespace selvhjelp::plugin {

// The HealthcareService for `group`:
//  - id from source and group id (FHIR id rules);
//  - themes as `type`; 12-step, format and audience as `characteristic`, and there too
//    contact-point (no availableTime: whom to contact to join or start a group),
//    national-service, open-group/closed-group and wheelchair-accessible; languages as
//    `communication`;
//  - temporarily closed as `notAvailable` (description "Temporarily closed", `during.end` the
//    day it opens again when known); the age limit and the report-wrong-information link as the
//    listing-minimum-age and listing-report-to extensions;
//  - weekly meetings as `availableTime`; other rules (e.g. the 2nd Tuesday of the month, which
//    R4 cannot express) in `availabilityExceptions`, with the RRULE;
//  - the meeting place as a contained Location with the no-basis municipality code (no Location
//    of its own: the place belongs to the group);
//  - the organisation as `providedBy`: its name, and its organisasjonsnummer (ENH, system
//    urn:oid:2.16.578.1.12.4.1.4.101) as the reference's identifier when the source gives it, as
//    HL7 Norway's no-basis recommends (no Organization resource of its own);
//  - synthetic groups tagged HTEST (v3 ActReason "test health data");
//  - `meta.versionId`: a hash of everything else, so it changes exactly when the resource does;
//  - `meta.lastUpdated`: when its source last confirmed it (`confirmation.at`, when known), and
//    the listing-stale extension (valueBoolean true) when that is too long ago. The versionId
//    does not cover lastUpdated: the same content confirmed again is the same version.
fhir::JsonValue ToHealthcareService(const Group& group, const Confirmation& confirmation = {});

// The URL of the listing-stale extension (fhir/conformance/StructureDefinition-listing-stale.json).
inline constexpr std::string_view kListingStaleExtension =
    "https://selvhjelp.example/fhir/StructureDefinition/listing-stale";
// The age limit (valueUnsignedInt, years) and where to report wrong information (valueUrl).
inline constexpr std::string_view kListingMinimumAgeExtension =
    "https://selvhjelp.example/fhir/StructureDefinition/listing-minimum-age";
inline constexpr std::string_view kListingReportToExtension =
    "https://selvhjelp.example/fhir/StructureDefinition/listing-report-to";

// A FHIR id made from `text`: characters outside [A-Za-z0-9.-] become '-', at most 64.
std::string FhirIdFrom(const std::string& text);

// The group's HealthcareService id: how records, the directory and the app name a group.
std::string HealthcareServiceId(const Group& group);

// A Bundle of HealthcareService entries: type "searchset" (with search.mode match) or
// "collection"; fullUrl = `base_url` + "/HealthcareService/" + id. With `confirmations`, each
// resource carries its source's confirmation (ToHealthcareService). `total`: the searchset's
// total when `groups` is one page of it (default: groups.size()).
fhir::JsonValue HealthcareServiceBundle(const std::vector<const Group*>& groups,
                                        const std::string& type, const std::string& base_url,
                                        const SourceConfirmations* confirmations = nullptr,
                                        std::optional<size_t> total = std::nullopt);

}  // namespace selvhjelp::plugin
