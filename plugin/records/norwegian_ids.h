#pragma once
// HL7 Norway no-basis identifier systems and the checks their numbers must pass.
#include <optional>
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

inline constexpr std::string_view kFnrSystem = "urn:oid:2.16.578.1.12.4.1.4.1";    // fødselsnummer
inline constexpr std::string_view kDnrSystem = "urn:oid:2.16.578.1.12.4.1.4.2";    // D-nummer
inline constexpr std::string_view kFhnSystem = "urn:oid:2.16.578.1.12.4.1.4.3";    // felles hjelpenummer
inline constexpr std::string_view kHprSystem = "urn:oid:2.16.578.1.12.4.1.4.4";    // HPR-nummer
inline constexpr std::string_view kOrgnrSystem = "urn:oid:2.16.578.1.12.4.1.4.101";  // organisasjonsnummer
inline constexpr std::string_view kReshSystem = "urn:oid:2.16.578.1.12.4.1.4.102";   // RESH-id

// Eleven digits whose two mod-11 check digits are right and whose first six are a date
// (D-nummer: day + 40; synthetic test numbers: month + 40 or + 80, as NAV and Skatteetaten's
// Test-Norge issue them). Used for both fødselsnummer and D-nummer.
bool IsValidPersonNumber(std::string_view number);
// The nine digits of a person number followed by its two check digits; nullopt when no check
// digit exists for them (a remainder of 1), as happens for about one number in six.
std::optional<std::string> WithPersonCheckDigits(std::string_view nine_digits);
// Nine digits with a right mod-11 check digit (Enhetsregisteret).
bool IsValidOrganisationNumber(std::string_view number);
// One to nine digits (HPR, RESH).
bool IsShortRegisterNumber(std::string_view number);

}  // namespace selvhjelp::plugin
