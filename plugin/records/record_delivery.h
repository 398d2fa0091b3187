#pragma once
// RecordDelivery: background workers that send the outbox's pending records to the EHR's FHIR
// server as conditional-create transactions, and decide what each answer means:
//   2xx transaction-response delivered, when every entry sent is answered 2xx with a location of
//                            its type (transaction_response.h); the Communication's location is kept
//   2xx anything else        retried (a maintenance page, a load balancer, a wrong base URL, a 204),
//                            parked with the reason after park_unrecognised_after attempts in all
//   401                      the token is renewed and the record retried
//   408, 429, 5xx, no answer retried with exponential backoff and jitter, for as long as it takes
//   any other 4xx            parked with the server's reason (OperationOutcome), for an operator
// A retry can never duplicate a record: every entry is a conditional create on a stable
// identifier. Records survive restarts in the outbox; delivery resumes on start. When the store
// cannot record an outcome (disk full, read-only), a worker backs off before it claims again, so
// the EHR is not sent the same records in a loop. At shutdown (the stop token given at
// construction, which must also be the HttpSend's), a call in flight ends at once and its record
// is given back unchanged, to be delivered after a restart.
//
// Each transaction carries a W3C traceparent: the trace of the request that committed the record
// when this instance still knows it (NoteTrace; see record_traces.h), else a trace of its own; the
// log lines of the delivery name it.
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "plugin/auth/access_token_source.h"
#include "plugin/metrics/histogram.h"
#include "plugin/net/http_call.h"
#include "plugin/net/trace_context.h"
#include "plugin/records/record_traces.h"
#include "plugin/store/outbox.h"

namespace selvhjelp::plugin {

struct DeliverySettings {
  std::string fhir_server;  // base URL the transactions are POSTed to
  int workers = 4;
  int64_t retry_initial_ms = 2000;
  int64_t retry_max_ms = 300000;
  int64_t poll_ms = 1000;  // how often idle workers look for records changed by another process
  int64_t park_unrecognised_after = 20;  // attempts before an unrecognisable 2xx answer parks the record
};

// The wait before attempt `failures` + 1, given `failures` >= 1 failed attempts so far: a
// uniformly random time in [d/2, d], where d = min(max_ms, initial_ms * 2^(failures-1)).
// `unit_random` is in [0, 1).
int64_t BackoffMs(int64_t failures, int64_t initial_ms, int64_t max_ms, double unit_random);

struct DeliveryStats {
  int64_t attempts = 0;
  int64_t delivered = 0;
  int64_t retried = 0;  // attempts that failed and will be tried again
  int64_t parked = 0;
  int64_t token_requests = 0;
};

class RecordDelivery {
 public:
  // `clock_ms` gives milliseconds since the epoch. Nothing runs before Start(). `stop`: requested
  // when the service stops (`send` is cancelled by it).
  RecordDelivery(Outbox& outbox, DeliverySettings settings, HttpSend send, AccessTokenSource& tokens,
                 std::function<int64_t()> clock_ms, std::stop_token stop = {});
  ~RecordDelivery();
  void Start();
  // Stops the workers after their current call (at once when `stop` was requested first; otherwise
  // bounded by the HTTP timeout).
  void Stop();
  // A record was committed: a worker looks now instead of at its next poll.
  void Wake();
  DeliveryStats stats() const;
  // Record `record_id` was committed by a request of `trace`: its delivery carries that trace.
  void NoteTrace(const std::string& record_id, const TraceContext& trace) { traces_.Note(record_id, trace); }

  // Bucket bounds: seconds from commit to delivered (0.1 s .. 1 day), attempts per delivered record.
  static constexpr std::array<double, 12> kLatencyBuckets = {0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600, 86400};
  static constexpr std::array<double, 7> kAttemptBuckets = {1, 2, 3, 5, 10, 20, 50};
  // Of the records delivered since start.
  const Histogram& delivery_seconds() const { return delivery_seconds_; }
  const Histogram& delivery_attempts() const { return delivery_attempts_; }

 private:
  enum class Verdict { kDelivered, kRetry, kPark, kCancelled };
  struct Attempt {
    Verdict verdict;
    std::string detail;    // why it failed (may quote the EHR: not logged)
    std::string log_note;  // what the log may say (codes only)
    std::string location;
  };
  void RunWorker();  // WorkerLoop inside the thread's exception boundary
  void WorkerLoop();
  Attempt Deliver(const Outbox::Claimed& claimed, const TraceContext& trace);
  // Observes the delivered record's time since commit and its attempts.
  void ObserveDelivered(const Outbox::Claimed& record, int64_t delivered_ms);

  Outbox& outbox_;
  const DeliverySettings settings_;
  const HttpSend send_;
  AccessTokenSource& tokens_;
  const std::function<int64_t()> clock_ms_;
  const std::stop_token stop_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t wakes_ = 0;  // guarded by mutex_
  std::vector<std::thread> workers_;
  std::atomic<int64_t> attempts_{0}, delivered_{0}, retried_{0}, parked_{0};
  RecordTraces traces_;
  Histogram delivery_seconds_{kLatencyBuckets};
  Histogram delivery_attempts_{kAttemptBuckets};
};

}  // namespace selvhjelp::plugin
