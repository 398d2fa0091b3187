#pragma once
// One scenario for Ledger::LatestOutcomes on any store (SQLite: latest_outcomes_test.cc;
// PostgreSQL: pg_store_test.cc): feedback and records for a patient and the relatives, later and
// earlier than each other, a tie, a record marked entered-in-error (with its correction queued),
// and a patient with nothing. The answer read at once must be exactly what the four reads give
// one by one (Ledger::LatestOutcome, then Outbox::LatestOutcome if later), and the values this
// scenario expects.
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

#include "plugin/store/ledger.h"
#include "plugin/store/outbox.h"

namespace selvhjelp::plugin::testing {

inline std::string Describe(const std::optional<LocalOutcome>& o) {
  if (!o) return "none";
  return o->outcome + "|" + o->override_code + "|" + o->encounter_id + "|" + std::to_string(o->at);
}

inline void CheckLatestOutcomes(Ledger& ledger, Outbox& outbox) {
  const std::string k1 = ledger.SubjectKey("https://ehr.example", "p1");
  const std::string k2 = ledger.SubjectKey("https://ehr.example", "p2");
  const std::string k3 = ledger.SubjectKey("https://ehr.example", "p3");
  const std::string nobody = ledger.SubjectKey("https://ehr.example", "p4");
  auto feedback = [&](const std::string& card, const std::string& key, const std::string& recipient,
                      const std::string& code, int64_t at) {
    ledger.QueueCards({CardIssued{card, "svc", key, "enc-" + card, recipient, 1000}});
    auto written = ledger.RecordFeedback({FeedbackEntry{card, "overridden", "", code, "t-" + card, false}}, at);
    BOOST_REQUIRE(written.ok());
  };
  auto record = [&](const std::string& id, const std::string& key, const std::string& recipient, int64_t at) {
    NewOutboxRecord r{id, "h-" + id, "{\"resourceType\":\"Bundle\"}", key, recipient,
                      LocalOutcome{"accepted", "", "enc-" + id, at}, at * 1000, {}};
    r.facts.sent = "2026-11-01T10:00:00+01:00";
    r.facts.sent_seconds = at;
    auto enqueued = outbox.Enqueue(r);
    BOOST_REQUIRE(enqueued.ok());
  };
  feedback("c1", k1, "patient", "declined", 1100);
  record("r1", k1, "patient", 1050);        // earlier than the feedback: the feedback counts
  feedback("c2", k1, "relatives", "declined", 1100);
  record("r2", k1, "relatives", 1200);      // later: the record counts
  record("r3", k2, "patient", 1000);
  record("r4", k2, "patient", 1300);        // the latest, but entered-in-error: r3 counts
  auto marked = outbox.MarkEnteredInError("r4", 1400 * 1000, [](const std::string& b) -> Result<std::string> {
    return b;
  });
  BOOST_REQUIRE(marked.ok());
  feedback("c3", k3, "relatives", "not-relevant-now", 1500);
  record("r5", k3, "relatives", 1500);      // a tie: the feedback counts

  const std::vector<std::string> both = {"patient", "relatives"};
  for (const std::string& key : {k1, k2, k3, nobody}) {
    for (const std::vector<std::string>& recipients : {both, std::vector<std::string>{"relatives", "patient"},
                                                       std::vector<std::string>{"patient"}}) {
      std::vector<std::optional<LocalOutcome>> at_once = ledger.LatestOutcomes(key, recipients, &outbox);
      std::vector<std::optional<LocalOutcome>> without = ledger.LatestOutcomes(key, recipients, nullptr);
      BOOST_REQUIRE(at_once.size() == recipients.size());
      BOOST_REQUIRE(without.size() == recipients.size());
      for (size_t i = 0; i < recipients.size(); ++i) {
        std::optional<LocalOutcome> one_by_one = ledger.LatestOutcome(key, recipients[i]);
        BOOST_TEST(Describe(without[i]) == Describe(one_by_one), recipients[i]);
        TakeLaterRecord(one_by_one, outbox.LatestOutcome(key, recipients[i]));
        BOOST_TEST(Describe(at_once[i]) == Describe(one_by_one), recipients[i]);
      }
    }
  }
  auto latest = [&](const std::string& key) { return ledger.LatestOutcomes(key, both, &outbox); };
  BOOST_TEST(Describe(latest(k1)[0]) == "overridden|declined|enc-c1|1100");
  BOOST_TEST(Describe(latest(k1)[1]) == "accepted||enc-r2|1200");
  BOOST_TEST(Describe(latest(k2)[0]) == "accepted||enc-r3|1000");
  BOOST_TEST(Describe(latest(k2)[1]) == "none");
  BOOST_TEST(Describe(latest(k3)[0]) == "none");
  BOOST_TEST(Describe(latest(k3)[1]) == "overridden|not-relevant-now|enc-c3|1500");
  BOOST_TEST(Describe(latest(nobody)[0]) == "none");
  BOOST_TEST(Describe(ledger.LatestOutcomes(k1, {"relatives"}, nullptr)[0]) == "overridden|declined|enc-c2|1100");
}

}  // namespace selvhjelp::plugin::testing
