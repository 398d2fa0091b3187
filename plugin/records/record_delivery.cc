#include "plugin/records/record_delivery.h"

#include <algorithm>
#include <cstdlib>
#include <random>

#include "plugin/log.h"
#include "plugin/records/transaction_response.h"

namespace selvhjelp::plugin {

int64_t BackoffMs(int64_t failures, int64_t initial_ms, int64_t max_ms, double unit_random) {
  int64_t delay = initial_ms;
  for (int64_t i = 1; i < failures && delay < max_ms; ++i) delay *= 2;
  delay = std::min(delay, max_ms);
  return delay / 2 + static_cast<int64_t>(unit_random * static_cast<double>(delay - delay / 2));
}

namespace {

double UnitRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace

RecordDelivery::RecordDelivery(Outbox& outbox, DeliverySettings settings, HttpSend send, AccessTokenSource& tokens,
                               std::function<int64_t()> clock_ms, std::stop_token stop)
    : outbox_(outbox), settings_(std::move(settings)), send_(std::move(send)), tokens_(tokens),
      clock_ms_(std::move(clock_ms)), stop_(std::move(stop)) {}

RecordDelivery::~RecordDelivery() { Stop(); }

void RecordDelivery::Start() {
  for (int i = 0; i < settings_.workers; ++i) workers_.emplace_back([this] { RunWorker(); });
}

void RecordDelivery::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

void RecordDelivery::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++wakes_;
  }
  wake_.notify_one();
}

DeliveryStats RecordDelivery::stats() const {
  return DeliveryStats{attempts_.load(), delivered_.load(), retried_.load(), parked_.load(), tokens_.token_requests()};
}

void RecordDelivery::RunWorker() {
  // The worker's exception boundary: whatever escapes (e.g. out of memory) is logged without data
  // and the worker starts over after a pause; a record it held stays pending (claimed again after
  // a restart).
  for (;;) {
    try {
      WorkerLoop();
      return;
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "delivery.worker_failed",
          std::string("record delivery: a worker failed (") + e.what() + "); it starts over in 1 s");
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; })) return;
  }
}

void RecordDelivery::WorkerLoop() {
  int64_t store_failures = 0;  // consecutive outcomes the store could not record
  for (;;) {
    uint64_t wakes_seen;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_ || stop_.stop_requested()) return;
      wakes_seen = wakes_;
    }
    const int64_t now = clock_ms_();
    auto claimed = outbox_.ClaimDue(now);
    if (claimed.ok() && claimed->has_value()) {
      const Outbox::Claimed& record = **claimed;
      const TraceContext trace = traces_.Find(record.record_id).value_or(TraceContext::Fresh());
      Attempt outcome = Deliver(record, trace);
      if (outcome.verdict == Verdict::kCancelled) {
        outbox_.Release(record.record_id);
        continue;  // the loop ends at its next look at stopping_
      }
      ++attempts_;
      Status marked;
      switch (outcome.verdict) {
        case Verdict::kDelivered: {
          const int64_t delivered_ms = clock_ms_();
          marked = outbox_.MarkDelivered(record.record_id, outcome.location, delivered_ms);
          if (marked.ok()) {
            ++delivered_;  // once per record: a lease lost meanwhile means the new holder counts it
            ObserveDelivered(record, delivered_ms);
          }
          traces_.Forget(record.record_id);
          Log(LogLevel::kInfo, "record.delivered", "record " + record.record_id + " delivered (" + outcome.log_note + ")",
              trace.trace_id, {{"record", record.record_id}, {"attempts", std::to_string(record.attempts + 1)}});
          break;
        }
        case Verdict::kRetry: {
          ++retried_;
          int64_t wait = BackoffMs(record.attempts + 1, settings_.retry_initial_ms, settings_.retry_max_ms, UnitRandom());
          marked = outbox_.MarkRetry(record.record_id, clock_ms_() + wait, outcome.detail);
          Log(LogLevel::kWarning, "record.retry",
              "record " + record.record_id + " not delivered (" + outcome.log_note + "), retry in " + std::to_string(wait) + " ms",
              trace.trace_id, {{"record", record.record_id}, {"retryMs", std::to_string(wait)}});
          break;
        }
        case Verdict::kCancelled:
          break;  // handled above
        case Verdict::kPark:
          ++parked_;
          marked = outbox_.MarkParked(record.record_id, outcome.detail);
          traces_.Forget(record.record_id);
          Log(LogLevel::kError, "record.parked",
              "record " + record.record_id + " parked (" + outcome.log_note + "); see `selvhjelp outbox list`", trace.trace_id,
              {{"record", record.record_id}});
          break;
      }
      // FailedPrecondition: the record's lease went to another instance, which owns its outcome.
      if (marked.ok() || marked.code() == StatusCode::kFailedPrecondition) {
        store_failures = 0;
        continue;
      }
      ++store_failures;
      const int64_t pause = BackoffMs(store_failures, settings_.retry_initial_ms, settings_.retry_max_ms, UnitRandom());
      Log(LogLevel::kError, "store.write_failed",
          "record " + record.record_id + ": " + marked.message() + "; delivery pauses " + std::to_string(pause) + " ms",
          trace.trace_id, {{"record", record.record_id}});
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(pause), [&] { return stopping_; });
      continue;
    }
    if (!claimed.ok()) Log(LogLevel::kError, "store.read_failed", "outbox: " + claimed.status().message());
    // Nothing due: sleep until the next record falls due, a wake-up, or the poll interval.
    int64_t until = now + settings_.poll_ms;
    if (std::optional<int64_t> due = outbox_.NextDueMs(); due && *due < until) until = std::max(*due, now + 1);
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(until - now),
                   [&] { return stopping_ || wakes_ != wakes_seen; });
  }
}

void RecordDelivery::ObserveDelivered(const Outbox::Claimed& record, int64_t delivered_ms) {
  delivery_attempts_.Observe(static_cast<double>(record.attempts + 1));
  // The commit time is in the store (an indexed read, on this worker, once per delivered record).
  Result<std::optional<OutboxEntry>> entry = outbox_.Get(record.record_id);
  if (entry.ok() && entry->has_value()) {
    delivery_seconds_.Observe(static_cast<double>(delivered_ms - (*entry)->created_ms) / 1000.0);
  }
}

RecordDelivery::Attempt RecordDelivery::Deliver(const Outbox::Claimed& claimed, const TraceContext& trace) {
  auto token = tokens_.Token();
  if (!token.ok() && stop_.stop_requested()) return {Verdict::kCancelled, "", "", ""};  // cut off, not failed
  if (!token.ok()) return {Verdict::kRetry, "token: " + token.status().message(), "no access token", ""};
  HttpRequestSpec request;
  request.method = "POST";
  request.url = settings_.fhir_server;
  request.headers = {{"Content-Type", "application/fhir+json"},
                     {"Accept", "application/fhir+json"},
                     {"traceparent", trace.Traceparent()}};
  if (!token->empty()) request.headers["Authorization"] = "Bearer " + *token;
  request.body = claimed.bundle_json;
  auto response = send_(request);
  if (!response.ok() && stop_.stop_requested()) return {Verdict::kCancelled, "", "", ""};
  if (!response.ok()) {
    return {Verdict::kRetry, response.status().message(),
            response.status().code() == StatusCode::kDeadlineExceeded ? "timeout" : "unreachable", ""};
  }
  const int status = response->status;
  const std::string http = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) {
    TransactionReading reading = ReadTransactionResponse(claimed.bundle_json, response->body);
    switch (reading.kind) {
      case TransactionReading::Kind::kWritten:
        return {Verdict::kDelivered, "", http + ", " + reading.log_note, reading.record_location};
      case TransactionReading::Kind::kEntryFailed: {
        const int entry = reading.entry_status;
        const bool transient = entry == 408 || entry == 429 || entry >= 500;
        return {transient ? Verdict::kRetry : Verdict::kPark, reading.why, reading.log_note, ""};
      }
      case TransactionReading::Kind::kNotAnAnswer:
        // Whatever answered in the EHR's place did not write the record: try again, and park it
        // with the reason once it has had its attempts (an operator can retry it).
        const bool exhausted = claimed.attempts + 1 >= settings_.park_unrecognised_after;
        return {exhausted ? Verdict::kPark : Verdict::kRetry, http + ": " + reading.why,
                http + " " + reading.log_note, ""};
    }
  }
  if (status == 401) {
    tokens_.Invalidate();
    return {Verdict::kRetry, http + ": token refused", http, ""};
  }
  if (status == 408 || status == 429 || status >= 500 || status < 200) {
    return {Verdict::kRetry, http + ": " + OutcomeText(response->body), http, ""};
  }
  return {Verdict::kPark, http + ": " + OutcomeText(response->body), http, ""};
}

}  // namespace selvhjelp::plugin
