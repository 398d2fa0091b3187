// The outbox: durable, idempotent by id, claimed once, states an operator can act on.
#include "plugin/store/outbox.h"

#include <boost/test/unit_test.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>
#include <vector>

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {
NewOutboxRecord Entry(const std::string& id, const std::string& hash, int64_t at) {
  return NewOutboxRecord{id, hash, "{\"resourceType\":\"Bundle\"}", "key-1", "patient",
                         LocalOutcome{"overridden", "declined", "e1", at}, at * 1000, {}};
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

namespace {
// What one Enqueue call was answered.
enum class Answer { kNew, kAlreadyStored, kAlreadyExists, kFailed };
Answer AnswerOf(const Result<Outbox::Enqueued>& r) {
  if (r.ok()) return *r == Outbox::Enqueued::kNew ? Answer::kNew : Answer::kAlreadyStored;
  return r.status().code() == StatusCode::kAlreadyExists ? Answer::kAlreadyExists : Answer::kFailed;
}
NewOutboxRecord Of(const std::string& id, const std::string& hash, int thread, int64_t at) {
  NewOutboxRecord r = Entry(id, hash, at);
  r.subject_key = "key-" + std::to_string(thread);
  return r;
}
}  // namespace

// 16 clients at once share commits (group commit): every record is stored and answered exactly
// once, and ids sent by two clients at once (often in one batch) keep their meaning: the same
// content is stored once and the other caller hears kAlreadyStored; different content is stored
// once and the other hears AlreadyExists. The latest outcome per patient is the newest stored.
BOOST_FIXTURE_TEST_CASE(concurrent_records_share_commits_and_each_is_answered_once, TempStore) {
  auto outbox = Outbox::Open(dir / "store.db");
  BOOST_REQUIRE(outbox.ok());
  constexpr int kThreads = 16, kRecords = 200;
  std::vector<std::vector<std::pair<std::string, Answer>>> answers(kThreads);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const std::string pair = std::to_string(t / 2);
        for (int i = 0; i < kRecords; ++i) {
          const std::string own = "r-" + std::to_string(t) + "-" + std::to_string(i);
          answers[t].push_back({own, AnswerOf((*outbox)->Enqueue(Of(own, "h", t, 1000 + i)))});
          // Both threads of a pair send these, the same content or not.
          if (i % 10 == 0) {
            const std::string same = "same-" + pair + "-" + std::to_string(i);
            answers[t].push_back({same, AnswerOf((*outbox)->Enqueue(Of(same, "h", t, 1000 + i)))});
          }
          if (i % 25 == 0) {
            const std::string differs = "differs-" + pair + "-" + std::to_string(i);
            answers[t].push_back({differs, AnswerOf((*outbox)->Enqueue(Of(differs, "h" + std::to_string(t), t, 1000 + i)))});
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  std::map<std::string, std::vector<Answer>> by_id;
  for (const auto& thread : answers) {
    for (const auto& [id, answer] : thread) by_id[id].push_back(answer);
  }
  const size_t shared_same = kThreads / 2 * (kRecords / 10), shared_differs = kThreads / 2 * (kRecords / 25);
  BOOST_TEST(by_id.size() == kThreads * kRecords + shared_same + shared_differs);
  // Group commit: the records shared transactions (one per record without it).
  BOOST_TEST((*outbox)->batches_committed() < static_cast<int64_t>(by_id.size() / 2),
             std::to_string((*outbox)->batches_committed()) + " commits");
  int wrong = 0;
  for (const auto& [id, got] : by_id) {
    std::vector<Answer> want = {Answer::kNew};
    if (id.rfind("same-", 0) == 0) want = {Answer::kAlreadyStored, Answer::kNew};
    if (id.rfind("differs-", 0) == 0) want = {Answer::kNew, Answer::kAlreadyExists};
    std::vector<Answer> sorted = got;
    std::sort(sorted.begin(), sorted.end());
    std::sort(want.begin(), want.end());
    if (sorted != want) ++wrong;
    auto stored = (*outbox)->Get(id);
    if (!stored.ok() || !stored->has_value()) ++wrong;
  }
  BOOST_TEST(wrong == 0);
  BOOST_TEST((*outbox)->Counts()->pending == static_cast<int64_t>(by_id.size()));
  for (int t = 0; t < kThreads; ++t) {
    BOOST_TEST((*outbox)->LatestOutcome("key-" + std::to_string(t), "patient")->at == 1000 + kRecords - 1);
  }
}

// When a batch's commit fails, every caller of that batch hears the failure and none of its
// records is stored: the store holds exactly the records whose callers heard kNew, and the
// latest outcomes come from those alone. A trigger refuses the "poison" records, so the batches
// they land in fail while 16 clients send.
BOOST_FIXTURE_TEST_CASE(a_failed_commit_fails_every_caller_of_its_batch_and_stores_nothing, TempStore) {
  auto outbox = Outbox::Open(dir / "store.db");
  BOOST_REQUIRE(outbox.ok());
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open((dir / "store.db").c_str(), &db) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(db, "CREATE TRIGGER poison BEFORE INSERT ON outbox WHEN NEW.record_id LIKE 'poison%' "
                                 "BEGIN SELECT RAISE(ABORT, 'refused'); END", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  // Alone, a refused record fails and nothing is stored.
  BOOST_TEST((AnswerOf((*outbox)->Enqueue(Of("poison-alone", "h", 0, 1))) == Answer::kFailed));
  BOOST_TEST(!(*(*outbox)->Get("poison-alone")).has_value());

  constexpr int kThreads = 16, kRecords = 50;
  std::vector<std::vector<std::pair<std::string, Answer>>> answers(kThreads);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kRecords; ++i) {
          const std::string id = (i % 7 == 3 ? "poison-" : "r-") + std::to_string(t) + "-" + std::to_string(i);
          answers[t].push_back({id, AnswerOf((*outbox)->Enqueue(Of(id, "h", t, 1000 + i)))});
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  int poison_stored_or_accepted = 0, mismatched = 0, stored = 0;
  for (int t = 0; t < kThreads; ++t) {
    int64_t latest = 0;
    for (const auto& [id, answer] : answers[t]) {
      const bool is_stored = (*(*outbox)->Get(id)).has_value();
      if (id.rfind("poison", 0) == 0 && (answer != Answer::kFailed || is_stored)) ++poison_stored_or_accepted;
      if (is_stored != (answer == Answer::kNew) || (answer != Answer::kNew && answer != Answer::kFailed)) ++mismatched;
      if (is_stored) {
        ++stored;
        latest = 1000 + std::stoi(id.substr(id.rfind('-') + 1));
      }
    }
    auto outcome = (*outbox)->LatestOutcome("key-" + std::to_string(t), "patient");
    BOOST_TEST((outcome ? outcome->at : 0) == latest, "thread " << t);
  }
  BOOST_TEST(poison_stored_or_accepted == 0);
  BOOST_TEST(mismatched == 0);
  BOOST_TEST((*outbox)->Counts()->pending == stored);
}

BOOST_FIXTURE_TEST_CASE(a_record_kept_only_here_is_stored_never_claimed_and_counted, TempStore) {
  {
    auto outbox = Outbox::Open(dir / "store.db");
    BOOST_REQUIRE(outbox.ok());
    NewOutboxRecord kept = Entry("r1", "h1", 100);
    kept.deliver = false;  // records.writeBack none
    BOOST_TEST((*(*outbox)->Enqueue(kept) == Outbox::Enqueued::kNew));
    BOOST_TEST(!(*(*outbox)->ClaimDue(1'000'000)).has_value());
    BOOST_TEST(!(*outbox)->NextDueMs().has_value());
    BOOST_TEST((*outbox)->LatestOutcome("key-1", "patient")->at == 100);  // it counts for the next hook call
  }
  auto outbox = Outbox::Open(dir / "store.db");
  BOOST_REQUIRE(outbox.ok());
  auto counts = (*outbox)->Counts();
  BOOST_TEST(counts->stored == 1);
  BOOST_TEST(counts->pending == 0);
  BOOST_TEST((*(*outbox)->Get("r1"))->state == "stored");
  BOOST_TEST((*outbox)->List("stored", 10)->size() == 1u);
  BOOST_TEST(*(*outbox)->Retry({}) == 0);  // an operator's retry is for parked records only
}
