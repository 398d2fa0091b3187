#include "plugin/store/outbox.h"

#include <algorithm>
#include <chrono>

#include "fhir/base/status_macros.h"
#include "plugin/store/sqlite_outbox.h"

namespace selvhjelp::plugin {

Outbox::~Outbox() = default;

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::filesystem::path& file, WriteHealth* health,
                                             OutboxOptions options) {
  SELVHJELP_ASSIGN_OR_RETURN(std::unique_ptr<OutboxBackend> backend, SqliteOutboxBackend::Open(file));
  return Create(std::move(backend), health, options);
}

Result<std::unique_ptr<Outbox>> Outbox::Create(std::unique_ptr<OutboxBackend> backend, WriteHealth* health,
                                               OutboxOptions options) {
  std::unique_ptr<Outbox> outbox(new Outbox());
  outbox->backend_ = std::move(backend);
  outbox->health_ = health;
  outbox->options_ = options;
  outbox->PurgeIfDue(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count());
  return outbox;
}

namespace {

// The first field of `r` that holds a NUL character, or empty. PostgreSQL's text cannot hold one,
// and a value it refuses fails the whole transaction: such a record is refused on its own,
// before it joins a batch, with every store alike.
std::string FieldWithNul(const NewOutboxRecord& r) {
  auto nul = [](const std::string& text) { return text.find('\0') != std::string::npos; };
  const RecordFacts& f = r.facts;
  const std::pair<const char*, const std::string*> fields[] = {
      {"id", &r.record_id}, {"bundle", &r.bundle_json}, {"encounter", &r.outcome.encounter_id},
      {"sent", &f.sent}, {"level", &f.level}, {"response", &f.response}, {"encounter", &f.encounter_id}};
  for (const auto& [name, text] : fields) {
    if (nul(*text)) return name;
  }
  for (const std::string& id : f.group_ids) if (nul(id)) return "groups";
  for (const std::string& name : f.group_names) if (nul(name)) return "groups";
  return {};
}

}  // namespace

struct Outbox::Waiter {
  const NewOutboxRecord& record;
  std::optional<Result<Enqueued>> result;  // set by the caller committing the batch
  bool done = false;                       // result is set; guarded by queue_mutex_
};

Result<Outbox::Enqueued> Outbox::Enqueue(const NewOutboxRecord& r) {
  if (std::string field = FieldWithNul(r); !field.empty()) {
    return InvalidArgumentError(field + ": the record holds a NUL character, which the store cannot keep");
  }
  Waiter self{r, std::nullopt};
  std::unique_lock<std::mutex> lock(queue_mutex_);
  queue_.push_back(&self);
  if (committing_) arrived_.notify_one();
  // Leader and followers: whoever finds no commit running commits everything queued (its own
  // record among it) while later callers queue up for the next commit.
  while (!self.done) {
    if (committing_) {
      committed_.wait(lock);
      continue;
    }
    committing_ = true;
    // The callers of the last batch are likely on their way back with their next record: wait
    // for them a little (at most half a commit's time), or batches alternate between the few that
    // came during a commit and the many that come right after it.
    if (queue_.size() < last_batch_) {
      arrived_.wait_for(lock, last_commit_ / 2, [this] { return queue_.size() >= last_batch_; });
    }
    std::vector<Waiter*> batch;
    batch.swap(queue_);
    lock.unlock();
    const auto start = std::chrono::steady_clock::now();
    CommitBatch(batch);
    const auto took = std::chrono::steady_clock::now() - start;
    lock.lock();
    committing_ = false;
    last_batch_ = batch.size();
    last_commit_ = std::min<std::chrono::steady_clock::duration>(took, std::chrono::milliseconds(10));
    for (Waiter* w : batch) w->done = true;
    committed_.notify_all();
  }
  lock.unlock();
  // Retention after the batch's answers are out, so a purge delays no other caller's commit
  // (records kept, never sent, with writeBack none expire too).
  if (self.result->ok()) PurgeIfDue(r.created_ms);
  return std::move(*self.result);
}

void Outbox::CommitBatch(const std::vector<Waiter*>& batch) {
  std::vector<const NewOutboxRecord*> records;
  records.reserve(batch.size());
  for (const Waiter* w : batch) records.push_back(&w->record);
  Result<std::vector<std::optional<std::string>>> stored = backend_->InsertBatch(records);
  batches_committed_.fetch_add(1, std::memory_order_relaxed);
  NoteWrite(stored.status());
  if (!stored.ok()) {
    for (Waiter* w : batch) w->result = stored.status();
    return;
  }
  // The idempotency decision: a new id is stored now; a known one with the same content is the
  // caller's retry; with other content, a conflict.
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::optional<std::string>& existing = (*stored)[i];
    if (!existing) {
      batch[i]->result = Enqueued::kNew;
    } else if (*existing == batch[i]->record.content_hash) {
      batch[i]->result = Enqueued::kAlreadyStored;
    } else {
      batch[i]->result = AlreadyExistsError("id: record " + batch[i]->record.record_id +
                                            " is already stored with different content");
    }
  }
}

Result<std::optional<Outbox::Claimed>> Outbox::ClaimDue(int64_t now_ms) { return backend_->Claim(now_ms); }

std::optional<int64_t> Outbox::NextDueMs() { return backend_->NextDueMs(); }

Status Outbox::Finish(const std::string& record_id, DeliveryEnd end, const std::string& text, int64_t number) {
  Status updated = backend_->Finish(record_id, end, text, number);
  NoteWrite(updated);
  return updated;
}

void Outbox::Release(const std::string& record_id) { backend_->Release(record_id); }

Status Outbox::MarkDelivered(const std::string& record_id, const std::string& location, int64_t now_ms) {
  PurgeIfDue(now_ms);
  return Finish(record_id, DeliveryEnd::kDelivered, location, now_ms);
}

Status Outbox::MarkRetry(const std::string& record_id, int64_t next_attempt_ms, const std::string& error) {
  return Finish(record_id, DeliveryEnd::kRetry, error, next_attempt_ms);
}

Status Outbox::MarkParked(const std::string& record_id, const std::string& reason) {
  return Finish(record_id, DeliveryEnd::kParked, reason, 0);
}

Result<std::vector<OutboxEntry>> Outbox::List(const std::string& state, int limit) { return backend_->List(state, limit); }

Result<std::optional<OutboxEntry>> Outbox::Get(const std::string& record_id) { return backend_->Get(record_id); }

Result<int64_t> Outbox::Retry(const std::vector<std::string>& record_ids) { return backend_->Retry(record_ids); }

Result<OutboxCounts> Outbox::Counts() { return backend_->Counts(); }

Result<Outbox::Marked> Outbox::MarkEnteredInError(const std::string& record_id, int64_t now_ms,
                                                  const std::function<Result<std::string>(const std::string&)>& correction) {
  SELVHJELP_ASSIGN_OR_RETURN(std::optional<CorrectionTarget> target, backend_->FindForCorrection(record_id));
  if (!target) return NotFoundError("no record with this id");
  if (target->status == kRecordEnteredInError) return Marked::kAlreadyMarked;
  SELVHJELP_ASSIGN_OR_RETURN(const std::string bundle, correction(target->bundle_json));
  // A record never sent (records.writeBack none) has no EHR copy: its correction is kept, not sent.
  const std::string state = target->state == "stored" ? "stored" : "pending";
  Result<bool> marked = backend_->MarkAndQueueCorrection(record_id, now_ms, bundle, state);
  NoteWrite(marked.status());
  if (!marked.ok()) return marked.status();
  return *marked ? Marked::kMarked : Marked::kAlreadyMarked;  // false: marked by another process meanwhile
}

void Outbox::PurgeIfDue(int64_t now_ms) {
  std::unique_lock<std::mutex> lock(purge_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another thread is purging: nobody waits for it
  if (options_.retention_ms <= 0 || now_ms - last_purge_ms_ < 3600 * 1000) return;  // 0: records are kept
  last_purge_ms_ = now_ms;
  NoteWrite(backend_->PurgeDelivered(now_ms - options_.retention_ms).status());  // tried again in an hour
}

Result<int64_t> Outbox::PurgeDelivered(int64_t before_ms) { return backend_->PurgeDelivered(before_ms); }

std::optional<LocalOutcome> Outbox::LatestOutcome(const std::string& subject_key, const std::string& recipient) const {
  return backend_->LatestOutcome(subject_key, recipient);
}

Result<std::vector<StoredRecord>> Outbox::Records(const std::string& subject_key) const {
  return backend_->Records(subject_key);
}

}  // namespace selvhjelp::plugin
