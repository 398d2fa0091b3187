#include "plugin/cds/offer_policy.h"

namespace selvhjelp::plugin {

bool ShouldOffer(const std::optional<PriorRecord>& ehr_record,
                 const std::optional<LocalOutcome>& local, const std::string& encounter_id, Prompt prompt,
                 int64_t now_seconds, const OfferPolicy& policy) {
  const int64_t today = now_seconds / 86400;
  if (ehr_record) {
    int64_t age = today - ehr_record->sent_day;
    int64_t interval = ehr_record->response == "declined" ? policy.declined_reoffer_days
                                                          : policy.informed_interval_days;
    if (age < interval) return false;
  }
  if (local) {
    int64_t age = today - local->at / 86400;
    const std::string& code = local->override_code;
    if (local->outcome == "accepted" || code == "already-attends" || code == "informed-elsewhere") {
      if (age < policy.informed_interval_days) return false;
    } else if (code == "declined") {
      if (age < policy.declined_reoffer_days) return false;
    } else if (code == "not-relevant-now" && prompt != Prompt::kLastReminder) {
      bool same_encounter = !encounter_id.empty() && encounter_id == local->encounter_id;
      if (same_encounter || (encounter_id.empty() && age < 1)) return false;
    }
  }
  return true;
}

}  // namespace selvhjelp::plugin
