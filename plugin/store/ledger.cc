#include "plugin/store/ledger.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>

#include "fhir/base/status_macros.h"
#include "plugin/auth/sha256.h"
#include "plugin/store/outbox.h"
#include "plugin/store/sqlite_ledger.h"

namespace selvhjelp::plugin {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Ledger::~Ledger() {
  if (writer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(queue_mutex_);
      stopping_ = true;
    }
    queue_changed_.notify_one();
    writer_.join();
    (void)FlushCards();
  }
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::filesystem::path& file, LedgerOptions options) {
  SELVHJELP_ASSIGN_OR_RETURN(std::unique_ptr<LedgerBackend> backend, SqliteLedgerBackend::Open(file));
  return Create(std::move(backend), options);
}

Result<std::unique_ptr<Ledger>> Ledger::Create(std::unique_ptr<LedgerBackend> backend, LedgerOptions options) {
  std::unique_ptr<Ledger> ledger(new Ledger());
  ledger->options_ = options;
  ledger->backend_ = std::move(backend);
  ledger->cache_outcomes_ = !ledger->backend_->shared();
  // A per-store salt, so subject keys cannot be matched against another installation's.
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return InternalError("store: no randomness for salt");
  char hex[33];
  for (int i = 0; i < 16; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  SELVHJELP_ASSIGN_OR_RETURN(ledger->salt_, ledger->backend_->Salt(hex));
  if (ledger->cache_outcomes_) {
    SELVHJELP_ASSIGN_OR_RETURN(auto outcomes, ledger->backend_->LoadOutcomes());
    for (auto& [key, outcome] : outcomes) ledger->outcomes_[key] = std::move(outcome);
  }
  // Whether the store can write at all, for readiness (a full or read-only store still starts).
  ledger->write_health_.Note(ledger->Probe());
  ledger->writer_ = std::thread([raw = ledger.get()] { raw->CardWriterLoop(); });
  return ledger;
}

std::string Ledger::SubjectKey(const std::string& fhir_server, const std::string& patient_id) const {
  std::string_view server = fhir_server;
  while (!server.empty() && server.back() == '/') server.remove_suffix(1);  // one server, one key
  return Sha256Hex(salt_ + "\n" + std::string(server) + "\n" + patient_id);
}

void Ledger::QueueCards(std::vector<CardIssued> cards) {
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    first = queue_.empty() && !cards.empty();
    for (CardIssued& card : cards) queue_.push_back(std::move(card));
    TrimQueueLocked();
  }
  // The writer waits for a queue that is not empty, then lets the batch gather: only the first
  // cards of a batch need to wake it (waking it for every call costs it a context switch a hook
  // call, for nothing).
  if (first) queue_changed_.notify_one();
}

Status Ledger::FlushCards() {
  std::lock_guard<std::mutex> lock(write_mutex_);
  return DrainQueueLocked();
}

Status Ledger::DrainQueueLocked() {
  std::vector<CardIssued> batch;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    batch.swap(queue_);
  }
  if (batch.empty()) return OkStatus();
  Status written = WriteCardsLocked(batch);
  write_health_.Note(written);
  card_failures_in_a_row_ = written.ok() ? 0 : card_failures_in_a_row_ + 1;
  if (!written.ok()) {
    card_write_failures_.fetch_add(1);
    std::lock_guard<std::mutex> lock(queue_mutex_);
    queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin()),
                  std::make_move_iterator(batch.end()));
    TrimQueueLocked();
  }
  return written;
}

void Ledger::TrimQueueLocked() {
  if (queue_.size() <= kMaxQueuedCards) return;
  const size_t excess = queue_.size() - kMaxQueuedCards;
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(excess));
  cards_dropped_.fetch_add(static_cast<int64_t>(excess));
}

std::chrono::milliseconds Ledger::CardRetryPause() {
  std::lock_guard<std::mutex> lock(write_mutex_);
  std::chrono::milliseconds pause = kCardFlushInterval;
  for (int i = 0; i < card_failures_in_a_row_ && pause < kMaxCardRetryInterval; ++i) pause *= 2;
  return std::min(pause, kMaxCardRetryInterval);
}

void Ledger::CardWriterLoop() {
  using namespace std::chrono_literals;
  std::unique_lock<std::mutex> lock(queue_mutex_);
  while (true) {
    queue_changed_.wait_for(lock, kProbeCheckInterval, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    if (!queue_.empty()) {
      // Let a batch gather, then write it in one transaction; after failures, wait longer (up to
      // kMaxCardRetryInterval) so a store that is down is not asked again and again.
      lock.unlock();
      const std::chrono::milliseconds pause = CardRetryPause();
      lock.lock();
      queue_changed_.wait_for(lock, pause, [this] { return stopping_; });
      lock.unlock();
      {
        std::lock_guard<std::mutex> write_lock(write_mutex_);
        (void)DrainQueueLocked();  // failures are counted and retried on the next round
      }
      lock.lock();
    }
    // The probe write is made here, never on a request's thread: a store that does not answer
    // delays this thread only, and readiness reads the latest outcome.
    if (write_health_.ProbeDue(WriteHealth::Clock::now(), 10s, 1s)) {
      lock.unlock();
      write_health_.Note(Probe());
      lock.lock();
    }
  }
}

Status Ledger::WriteCardsLocked(const std::vector<CardIssued>& cards) {
  SELVHJELP_RETURN_IF_ERROR(backend_->WriteCards(cards));
  int64_t newest = 0;
  for (const CardIssued& card : cards) newest = std::max(newest, card.issued_at);
  if (newest - last_card_purge_ < 3600) return OkStatus();
  last_card_purge_ = newest;
  return backend_->PurgeCards(newest - options_.card_retention_seconds);
}

Result<int> Ledger::RecordFeedback(const std::vector<FeedbackEntry>& entries, int64_t received_at) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  // Cards shown moments ago may still be queued: write them first so feedback finds them.
  Status cards = DrainQueueLocked();
  if (!cards.ok()) return cards;
  Result<LedgerBackend::FeedbackWritten> written = backend_->WriteFeedback(entries, received_at);
  write_health_.Note(written.status());
  if (!written.ok()) return written.status();
  if (cache_outcomes_) {
    std::lock_guard<std::mutex> outcomes_lock(outcomes_mutex_);
    for (auto& [key, outcome] : written->changed) {
      LocalOutcome& slot = outcomes_[key];
      if (outcome.at >= slot.at) slot = std::move(outcome);
    }
  }
  return written->unknown_cards;
}

std::optional<LocalOutcome> Ledger::LatestOutcome(const std::string& subject_key,
                                                  const std::string& recipient) const {
  if (!cache_outcomes_) return backend_->ReadOutcome(subject_key, recipient);
  std::lock_guard<std::mutex> lock(outcomes_mutex_);
  auto it = outcomes_.find(subject_key + "\n" + recipient);
  if (it == outcomes_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::optional<LocalOutcome>> Ledger::LatestOutcomes(const std::string& subject_key,
                                                                const std::vector<std::string>& recipients,
                                                                const Outbox* outbox) const {
  if (!cache_outcomes_) {
    auto at_once = backend_->ReadLatestOutcomes(subject_key, recipients, outbox ? &outbox->backend() : nullptr);
    if (at_once) return std::move(*at_once);
  }
  std::vector<std::optional<LocalOutcome>> latest;
  for (const std::string& recipient : recipients) {
    std::optional<LocalOutcome>& slot = latest.emplace_back(LatestOutcome(subject_key, recipient));
    if (outbox != nullptr) TakeLaterRecord(slot, outbox->LatestOutcome(subject_key, recipient));
  }
  return latest;
}

Result<int64_t> Ledger::CountFeedback() { return backend_->CountFeedback(); }

Status Ledger::SaveSnapshot(const std::string& source, const std::string& groups_json, int64_t saved_at) {
  Status saved = backend_->SaveSnapshot(source, groups_json, saved_at);
  write_health_.Note(saved);
  return saved;
}

Result<std::optional<Ledger::Snapshot>> Ledger::LoadSnapshot(const std::string& source) {
  return backend_->LoadSnapshot(source);
}

Result<SourceReadClaim> Ledger::ClaimSourceRead(const std::string& source, int64_t now) {
  Result<SourceReadClaim> claim = backend_->ClaimSourceRead(source, now);
  write_health_.Note(claim.status());
  return claim;
}

Result<int64_t> Ledger::FinishSourceRead(const std::string& source, const SourceReadReport& report) {
  Result<int64_t> version = backend_->FinishSourceRead(source, report);
  write_health_.Note(version.status());
  return version;
}

Status Ledger::Readiness() const { return write_health_.Latest(); }

Status Ledger::Probe() { return backend_->Probe(NowMs()); }

}  // namespace selvhjelp::plugin
