// Readiness never waits for the store: the probe write runs on the ledger's own thread, so
// /readyz, /health and /livez answer while a database hangs (Kubernetes would otherwise restart
// the pod). The backend is SQLite with a probe that can be made to fail or to hang.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <unistd.h>

#include "plugin/store/ledger.h"
#include "plugin/store/sqlite_ledger.h"

using namespace selvhjelp;
using namespace selvhjelp::plugin;
namespace fs = std::filesystem;

namespace {

// Probe: fails while `failing`, waits while `hanging` (until let go); all else is SQLite's.
class GatedProbeBackend : public LedgerBackend {
 public:
  explicit GatedProbeBackend(std::unique_ptr<LedgerBackend> real) : real_(std::move(real)) {}
  struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    bool failing = false, hanging = false, probing = false;
  };
  std::shared_ptr<Gate> gate = std::make_shared<Gate>();

  bool shared() const override { return real_->shared(); }
  Result<std::string> Salt(const std::string& fresh) override { return real_->Salt(fresh); }
  Result<std::vector<std::pair<std::string, LocalOutcome>>> LoadOutcomes() override { return real_->LoadOutcomes(); }
  std::optional<LocalOutcome> ReadOutcome(const std::string& key, const std::string& recipient) override {
    return real_->ReadOutcome(key, recipient);
  }
  Status WriteCards(const std::vector<CardIssued>& cards) override { return real_->WriteCards(cards); }
  Status PurgeCards(int64_t before) override { return real_->PurgeCards(before); }
  Result<FeedbackWritten> WriteFeedback(const std::vector<FeedbackEntry>& entries, int64_t at) override {
    return real_->WriteFeedback(entries, at);
  }
  Result<int64_t> CountFeedback() override { return real_->CountFeedback(); }
  Status SaveSnapshot(const std::string& source, const std::string& json, int64_t at) override {
    return real_->SaveSnapshot(source, json, at);
  }
  Result<std::optional<SourceSnapshot>> LoadSnapshot(const std::string& source) override {
    return real_->LoadSnapshot(source);
  }
  Result<SourceReadClaim> ClaimSourceRead(const std::string& source, int64_t now) override {
    return real_->ClaimSourceRead(source, now);
  }
  Result<int64_t> FinishSourceRead(const std::string& source, const SourceReadReport& report) override {
    return real_->FinishSourceRead(source, report);
  }
  Status Probe(int64_t now_ms) override {
    std::unique_lock<std::mutex> lock(gate->mutex);
    gate->probing = true;
    gate->changed.notify_all();
    gate->changed.wait(lock, [this] { return !gate->hanging; });
    gate->probing = false;
    if (gate->failing) return UnavailableError("store: write probe: the database is unreachable");
    lock.unlock();
    return real_->Probe(now_ms);
  }

 private:
  std::unique_ptr<LedgerBackend> real_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(readiness_answers_at_once_while_the_probe_write_hangs) {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-probe-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    auto real = SqliteLedgerBackend::Open(dir / "store.db");
    BOOST_REQUIRE(real.ok());
    auto backend = std::make_unique<GatedProbeBackend>(std::move(*real));
    std::shared_ptr<GatedProbeBackend::Gate> gate = backend->gate;
    gate->failing = true;  // the database is down at start: the first probe fails
    auto ledger = Ledger::Create(std::move(backend));
    BOOST_REQUIRE(ledger.ok());
    BOOST_TEST(!(*ledger)->Readiness().ok());
    // Now it hangs: the next probe (due a second after the failure) waits until let go.
    std::unique_lock<std::mutex> lock(gate->mutex);
    gate->hanging = true;
    BOOST_REQUIRE(gate->changed.wait_for(lock, std::chrono::seconds(10), [&] { return gate->probing; }));
    lock.unlock();
    auto readiness = std::async(std::launch::async, [&] { return (*ledger)->Readiness(); });
    const bool answered = readiness.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
    lock.lock();
    gate->hanging = false;
    gate->failing = false;
    gate->changed.notify_all();
    lock.unlock();
    BOOST_TEST(answered);  // the latest outcome, without waiting for the hanging probe
    BOOST_TEST(!readiness.get().ok());
    // Back: ready again soon after, found by the background probe.
    bool ready = false;
    for (int i = 0; i < 500 && !ready; ++i) {
      ready = (*ledger)->Readiness().ok();
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    BOOST_TEST(ready);
  }
  fs::remove_all(dir);
}
