// The outbox: durable, idempotent by id, claimed once, states an operator can act on.
#include "plugin/store/outbox.h"

#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <filesystem>

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {
NewOutboxRecord Entry(const std::string& id, const std::string& hash, int64_t at) {
  return NewOutboxRecord{id, hash, "{\"resourceType\":\"Bundle\"}", "key-1", "patient",
                         LocalOutcome{"overridden", "declined", "e1", at}, at * 1000};
}

struct TempStore {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-outbox-" + std::to_string(::getpid()));
  TempStore() { fs::remove_all(dir); }
  ~TempStore() { fs::remove_all(dir); }
};
}  // namespace

BOOST_FIXTURE_TEST_CASE(records_are_stored_once_claimed_once_and_survive_reopening, TempStore) {
  {
    auto outbox = Outbox::Open(dir / "store.db");
    BOOST_REQUIRE(outbox.ok());
    BOOST_TEST((*(*outbox)->Enqueue(Entry("r1", "h1", 100)) == Outbox::Enqueued::kNew));
    BOOST_TEST((*(*outbox)->Enqueue(Entry("r1", "h1", 100)) == Outbox::Enqueued::kAlreadyStored));
    auto conflict = (*outbox)->Enqueue(Entry("r1", "other", 100));
    BOOST_TEST((conflict.status().code() == StatusCode::kAlreadyExists));
    BOOST_TEST((*(*outbox)->Enqueue(Entry("r2", "h2", 200)) == Outbox::Enqueued::kNew));
    BOOST_TEST((*outbox)->LatestOutcome("key-1", "patient")->at == 200);

    auto first = (*outbox)->ClaimDue(1'000'000);
    auto second = (*outbox)->ClaimDue(1'000'000);
    auto none = (*outbox)->ClaimDue(1'000'000);
    BOOST_REQUIRE(first.ok() && first->has_value() && second->has_value());
    BOOST_TEST((*first)->record_id != (*second)->record_id);  // two workers never share a record
    BOOST_TEST(!none->has_value());
    BOOST_TEST(!(*outbox)->NextDueMs().has_value());  // both are held
    BOOST_TEST((*outbox)->MarkRetry((*first)->record_id, 5'000'000, "HTTP 503").ok());
    BOOST_TEST((*outbox)->MarkParked((*second)->record_id, "HTTP 422: bad").ok());
    BOOST_TEST(*(*outbox)->NextDueMs() == 5'000'000);
    BOOST_TEST(!(*(*outbox)->ClaimDue(4'999'999)).has_value());  // not before its time
  }
  auto outbox = Outbox::Open(dir / "store.db");
  BOOST_REQUIRE(outbox.ok());
  BOOST_TEST((*outbox)->LatestOutcome("key-1", "patient")->override_code == "declined");  // from disk
  auto counts = (*outbox)->Counts();
  BOOST_TEST(counts->pending == 1);
  BOOST_TEST(counts->parked == 1);
  BOOST_TEST(counts->oldest_pending_ms > 0);
  auto parked = (*outbox)->List("parked", 10);
  BOOST_REQUIRE(parked->size() == 1u);
  BOOST_TEST((*parked)[0].last_error == "HTTP 422: bad");
  BOOST_TEST((*parked)[0].attempts == 1);
  BOOST_TEST(*(*outbox)->Retry({(*parked)[0].record_id, "no-such-id"}) == 1);
  BOOST_TEST((*outbox)->Counts()->pending == 2);
  auto due = (*outbox)->ClaimDue(1);  // a retried record is due at once
  BOOST_REQUIRE(due->has_value());
  BOOST_TEST((*due)->record_id == (*parked)[0].record_id);
  BOOST_TEST((*outbox)->MarkDelivered((*due)->record_id, "Communication/9", 7).ok());
  auto delivered = (*(*outbox)->Get((*due)->record_id));
  BOOST_TEST(delivered->state == "delivered");
  BOOST_TEST(delivered->location == "Communication/9");
  BOOST_TEST(delivered->last_error.empty());
  BOOST_TEST(!(*(*outbox)->Get("missing")).has_value());
}
