// Our store as the system of record: record facts committed with the outbox row, read back by
// patient, marked entered-in-error with a correction that waits for the record, and retention
// that deletes only delivered records.
#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <filesystem>

#include "fhir/json/json_reader.h"
#include "plugin/audit/audit_facts.h"
#include "plugin/audit/store_records.h"
#include "plugin/records/record_correction.h"
#include "plugin/store/outbox.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {

// A record's transaction as the document write-back mode might send it: a DocumentReference with
// a Binary, our Communication, and a Provenance (no status: left alone).
constexpr const char* kTransaction = R"({"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Communication","status":"completed",
   "identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:uuid:r1"}]},
  "request":{"method":"POST","url":"Communication","ifNoneExist":"identifier=urn:ietf:rfc:3986|urn:uuid:r1"}},
 {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Binary","contentType":"application/pdf","data":"JVBE"},
  "request":{"method":"POST","url":"Binary"}},
 {"fullUrl":"urn:uuid:3","resource":{"resourceType":"DocumentReference","status":"current",
   "identifier":[{"system":"https://example.org/doc","value":"r1"}]},
  "request":{"method":"POST","url":"DocumentReference"}},
 {"fullUrl":"urn:uuid:4","resource":{"resourceType":"Provenance","target":[{"reference":"urn:uuid:1"}]},
  "request":{"method":"POST","url":"Provenance"}}]})";

NewOutboxRecord Record(const std::string& id, const std::string& key, int64_t at, const std::string& response) {
  NewOutboxRecord r;
  r.record_id = id;
  r.content_hash = "h-" + id;
  r.bundle_json = kTransaction;
  r.subject_key = key;
  r.recipient = "patient";
  r.outcome = LocalOutcome{"accepted", "", "", at};
  r.created_ms = at * 1000;
  r.facts.sent = "2026-03-01T10:00:00+01:00";
  r.facts.sent_seconds = at;
  r.facts.level = "conversation";
  r.facts.response = response;
  r.facts.group_ids = {"aa|1", "na|2"};
  r.facts.group_names = {"AA Bergen", "NA Bergen"};
  return r;
}

struct TempStore {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-record-store-" + std::to_string(::getpid()));
  TempStore() { fs::remove_all(dir); }
  ~TempStore() { fs::remove_all(dir); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(records_are_queryable_by_patient_from_the_commit_on, TempStore) {
  auto outbox = Outbox::Open(dir / "store.db");
  BOOST_REQUIRE(outbox.ok());
  BOOST_REQUIRE((*outbox)->Enqueue(Record("r1", "key-a", 100, "interested")).ok());
  BOOST_REQUIRE((*outbox)->Enqueue(Record("r2", "key-b", 200, "")).ok());
  BOOST_REQUIRE((*outbox)->Enqueue(Record("r1", "key-a", 100, "interested")).ok());  // a retry: stored once
  auto reopened = Outbox::Open(dir / "store.db");  // another process sees it: it is committed
  auto a = (*reopened)->Records("key-a");
  BOOST_REQUIRE(a.ok());
  BOOST_REQUIRE(a->size() == 1u);
  const StoredRecord& r = (*a)[0];
  BOOST_TEST(r.facts.record_id == "r1");
  BOOST_TEST(r.facts.recipient == "patient");
  BOOST_TEST(r.facts.sent == "2026-03-01T10:00:00+01:00");
  BOOST_TEST(r.facts.level == "conversation");
  BOOST_TEST(r.facts.response == "interested");
  BOOST_TEST(r.facts.group_ids == (std::vector<std::string>{"aa|1", "na|2"}));
  BOOST_TEST(r.facts.group_names == (std::vector<std::string>{"AA Bergen", "NA Bergen"}));
  BOOST_TEST(r.status == "active");
  BOOST_TEST(r.delivery == "pending");
  BOOST_TEST((*reopened)->Records("")->size() == 2u);
  BOOST_TEST((*reopened)->Records("key-none")->empty());
}

BOOST_FIXTURE_TEST_CASE(entered_in_error_is_left_out_and_its_correction_waits_for_the_record, TempStore) {
  auto outbox = Outbox::Open(dir / "store.db");
  BOOST_REQUIRE(outbox.ok());
  BOOST_REQUIRE((*outbox)->Enqueue(Record("old", "key-a", 100, "")).ok());
  BOOST_REQUIRE((*outbox)->Enqueue(Record("new", "key-a", 200, "")).ok());
  BOOST_TEST((*outbox)->LatestOutcome("key-a", "patient")->at == 200);

  BOOST_TEST((*(*outbox)->MarkEnteredInError("new", 5000, BuildCorrectionBundle) == Outbox::Marked::kMarked));
  BOOST_TEST((*(*outbox)->MarkEnteredInError("new", 6000, BuildCorrectionBundle) == Outbox::Marked::kAlreadyMarked));
  BOOST_TEST(((*outbox)->MarkEnteredInError("nothing", 6000, BuildCorrectionBundle).status().code() == StatusCode::kNotFound));
  // A second process (the command line) sees the mark at once.
  auto other = Outbox::Open(dir / "store.db");
  BOOST_TEST((*other)->LatestOutcome("key-a", "patient")->at == 100);
  auto records = (*other)->Records("key-a");
  BOOST_TEST((*records)[1].status == "entered-in-error");
  BOOST_TEST((*records)[1].status_changed_ms == 5000);

  // The records go first; the correction only once "new" is delivered.
  std::vector<std::string> claimed;
  while (auto c = *(*outbox)->ClaimDue(1'000'000)) claimed.push_back(c->record_id);
  BOOST_TEST(claimed.size() == 2u);
  BOOST_TEST((*outbox)->MarkDelivered("old", "Communication/1", 300'000).ok());
  BOOST_TEST((*outbox)->MarkDelivered("new", "Communication/2", 300'000).ok());
  BOOST_TEST(*(*outbox)->NextDueMs() == 5000);
  auto correction = *(*outbox)->ClaimDue(1'000'000);
  BOOST_REQUIRE(correction.has_value());
  BOOST_TEST(correction->record_id == "new/entered-in-error");
  BOOST_TEST(correction->bundle_json.find("PATCH") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_record_never_sent_gets_a_correction_that_is_never_sent_either, TempStore) {
  auto outbox = Outbox::Open(dir / "store.db");
  NewOutboxRecord kept = Record("r1", "key-a", 100, "");
  kept.deliver = false;  // records.writeBack none
  BOOST_REQUIRE((*outbox)->Enqueue(kept).ok());
  BOOST_TEST((*(*outbox)->MarkEnteredInError("r1", 5000, BuildCorrectionBundle) == Outbox::Marked::kMarked));
  BOOST_TEST(!(*(*outbox)->ClaimDue(10'000'000)).has_value());
  BOOST_TEST(!(*outbox)->NextDueMs().has_value());
  BOOST_TEST((*outbox)->Get("r1/entered-in-error")->value().state == "stored");
  BOOST_TEST((*(*outbox)->Records("key-a"))[0].status == "entered-in-error");
}

BOOST_FIXTURE_TEST_CASE(a_correction_is_not_sent_while_its_record_is_pending, TempStore) {
  auto outbox = Outbox::Open(dir / "store.db");
  BOOST_REQUIRE((*outbox)->Enqueue(Record("r1", "key-a", 100, "")).ok());
  BOOST_REQUIRE((*outbox)->MarkEnteredInError("r1", 5000, BuildCorrectionBundle).ok());
  auto first = *(*outbox)->ClaimDue(1'000'000);
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(first->record_id == "r1");
  BOOST_TEST((*outbox)->MarkRetry("r1", 2'000'000, "HTTP 503").ok());
  BOOST_TEST(!(*(*outbox)->ClaimDue(1'500'000)).has_value());  // r1 not due, its correction waits
  BOOST_TEST(*(*outbox)->NextDueMs() == 2'000'000);
}

BOOST_FIXTURE_TEST_CASE(retention_deletes_only_delivered_records, TempStore) {
  auto outbox = Outbox::Open(dir / "store.db");
  BOOST_REQUIRE((*outbox)->Enqueue(Record("delivered-old", "key-a", 100, "")).ok());
  BOOST_REQUIRE((*outbox)->Enqueue(Record("pending-old", "key-a", 110, "")).ok());
  BOOST_REQUIRE((*outbox)->Enqueue(Record("delivered-new", "key-a", 5000, "")).ok());
  for (int i = 0; i < 3; ++i) (void)*(*outbox)->ClaimDue(10'000'000);
  BOOST_TEST((*outbox)->MarkDelivered("delivered-old", "Communication/1", 200'000).ok());
  BOOST_TEST((*outbox)->MarkDelivered("delivered-new", "Communication/2", 5'100'000).ok());
  (*outbox)->Release("pending-old");
  auto deleted = (*outbox)->PurgeDelivered(1'000'000);
  BOOST_REQUIRE(deleted.ok());
  BOOST_TEST(*deleted == 1);
  auto left = (*outbox)->Records("key-a");
  BOOST_REQUIRE(left->size() == 2u);
  BOOST_TEST((*left)[0].facts.record_id == "pending-old");
  BOOST_TEST((*left)[1].facts.record_id == "delivered-new");
  BOOST_TEST(!(*outbox)->Get("delivered-old")->has_value());
}

BOOST_FIXTURE_TEST_CASE(retention_deletes_records_never_sent_with_their_corrections, TempStore) {
  auto outbox = Outbox::Open(dir / "store.db");
  for (const auto& [id, at] : {std::pair<std::string, int64_t>{"kept-old", 100}, {"kept-new", 5000}}) {
    NewOutboxRecord kept = Record(id, "key-a", at, "");
    kept.deliver = false;  // records.writeBack none
    BOOST_REQUIRE((*outbox)->Enqueue(kept).ok());
  }
  auto marked = (*outbox)->MarkEnteredInError("kept-old", 200'000, BuildCorrectionBundle);
  BOOST_REQUIRE_MESSAGE(marked.ok(), marked.status().ToString());
  auto deleted = (*outbox)->PurgeDelivered(1'000'000);
  BOOST_REQUIRE(deleted.ok());
  BOOST_TEST(*deleted == 2);  // the record and its correction
  BOOST_TEST(!(*outbox)->Get("kept-old")->has_value());
  BOOST_TEST(!(*outbox)->Get("kept-old/entered-in-error")->has_value());
  BOOST_TEST((*outbox)->Records("key-a")->size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_correction_patches_every_resource_with_a_status_by_its_identifier) {
  auto bundle = BuildCorrectionBundle(kTransaction);
  BOOST_REQUIRE(bundle.ok());
  auto json = fhir::ParseJson(*bundle);
  BOOST_REQUIRE(json.ok());
  BOOST_TEST(*json->FindString("type") == "transaction");
  const auto& entries = json->Find("entry")->items();
  BOOST_REQUIRE(entries.size() == 2u);  // the Binary and the Provenance have no status
  BOOST_TEST(*entries[0].FindPath({"request", "method"})->AsString() == "PATCH");
  BOOST_TEST(*entries[0].FindPath({"request", "url"})->AsString() ==
             "Communication?identifier=urn:ietf:rfc:3986|urn:uuid:r1");
  BOOST_TEST(*entries[1].FindPath({"request", "url"})->AsString() == "DocumentReference?identifier=https://example.org/doc|r1");
  const fhir::JsonValue& patch = *entries[0].Find("resource");
  BOOST_TEST(*patch.FindString("resourceType") == "Binary");
  BOOST_TEST(*patch.FindString("contentType") == "application/json-patch+json");
  // base64 of [{"op":"replace","path":"/status","value":"entered-in-error"}]
  BOOST_TEST(*patch.FindString("data") ==
             "W3sib3AiOiJyZXBsYWNlIiwicGF0aCI6Ii9zdGF0dXMiLCJ2YWx1ZSI6ImVudGVyZWQtaW4tZXJyb3IifV0=");
  BOOST_TEST((BuildCorrectionBundle(R"({"resourceType":"Bundle","type":"collection"})").status().code() ==
              StatusCode::kInvalidArgument));
}

BOOST_FIXTURE_TEST_CASE(audit_store_gives_each_patients_active_records_as_fact_lines, TempStore) {
  auto outbox = Outbox::Open(dir / "store.db");
  BOOST_REQUIRE((*outbox)->Enqueue(Record("r1", "key-p1", 100, "interested")).ok());
  BOOST_REQUIRE((*outbox)->Enqueue(Record("r2", "key-p1", 200, "declined")).ok());
  BOOST_REQUIRE((*outbox)->MarkEnteredInError("r2", 300, BuildCorrectionBundle).ok());
  auto records = StoreRecords::Load(**outbox, [](std::string_view patient) { return "key-" + std::string(patient); });
  BOOST_REQUIRE(records.ok());
  BOOST_TEST(records->size() == 1u);  // r2 is entered-in-error
  std::string lines;
  records->AppendFactLines("p1", lines);
  records->AppendFactLines("p2", lines);  // none
  // 2026-03-01 is day 20513: the date as written in `sent`, whatever its UTC day.
  BOOST_TEST(lines == "M\tp1\t20513\t1\t0\t2\tinterested\n");
  PatientAuditFacts facts;
  BOOST_TEST(AddFactLine(std::string_view(lines).substr(0, lines.size() - 1), facts));
  BOOST_REQUIRE(facts.records.size() == 1u);
  BOOST_TEST(facts.records[0].level == 2);
  BOOST_TEST(facts.records[0].to_patient);
}
