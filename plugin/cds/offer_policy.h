#pragma once
// When to offer a card again: the product rules on not nagging (domain rule 3).
#include <cstdint>
#include <optional>
#include <string>

#include "plugin/cds/patient_facts.h"
#include "plugin/store/ledger.h"

namespace selvhjelp::plugin {

struct OfferPolicy {
  int informed_interval_days = 365;
  int declined_reoffer_days = 90;
};

// Which prompt asks (domain rule 4: early, and the discharge as the last reminder).
enum class Prompt { kDuringTreatment, kLastReminder };

// False when the latest record in the EHR or the latest local feedback says not to offer now:
//  - information recorded (EHR) or a suggestion accepted (local) within informed_interval_days;
//  - the patient declined within declined_reoffer_days (a decline has its own interval);
//  - "already attends" or "informed elsewhere" within informed_interval_days;
//  - "not relevant now" for the same encounter (or the same day when there is no encounter),
//    except at the last reminder: "not now" at admission does not silence the discharge (whose
//    card does not offer "not relevant now").
bool ShouldOffer(const std::optional<PriorRecord>& ehr_record,
                 const std::optional<LocalOutcome>& local, const std::string& encounter_id, Prompt prompt,
                 int64_t now_seconds, const OfferPolicy& policy);

}  // namespace selvhjelp::plugin
