#include "plugin/http/metrics_page.h"

#include <chrono>

#include "plugin/metrics/exposition.h"

namespace selvhjelp::plugin {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void WriteOutbox(Runtime& rt, Exposition& out) {
  Result<OutboxCounts> counts = rt.outbox->Counts();
  if (!counts.ok()) return;  // the store cannot be read: /health says so, store failures count it
  out.Family("selvhjelp_outbox_records", "gauge", "Records in the outbox by delivery state.");
  const std::pair<const char*, int64_t> states[] = {
      {"pending", counts->pending}, {"delivered", counts->delivered}, {"parked", counts->parked}, {"stored", counts->stored}};
  for (const auto& [state, n] : states) out.Sample("selvhjelp_outbox_records", {{"state", state}}, static_cast<double>(n));
  out.Family("selvhjelp_outbox_oldest_pending_seconds", "gauge", "Age of the oldest undelivered record.");
  out.Sample("selvhjelp_outbox_oldest_pending_seconds", {}, static_cast<double>(counts->OldestPendingSeconds(NowMillis())));
}

void WriteDelivery(Runtime& rt, Exposition& out) {
  const DeliveryStats stats = rt.delivery ? rt.delivery->stats() : DeliveryStats{};
  const struct {
    const char* name;
    const char* help;
    int64_t value;
  } counters[] = {
      {"selvhjelp_delivery_attempts_total", "Delivery attempts since start.", stats.attempts},
      {"selvhjelp_delivery_delivered_total", "Records delivered since start.", stats.delivered},
      {"selvhjelp_delivery_retries_total", "Failed attempts that will be retried.", stats.retried},
      {"selvhjelp_delivery_parked_total", "Records parked since start.", stats.parked},
      {"selvhjelp_token_requests_total", "Token endpoint calls since start.", stats.token_requests},
      {"selvhjelp_card_write_failures_total", "Background card writes that failed.", rt.ledger->card_write_failures()},
      {"selvhjelp_cards_dropped_total", "Cards dropped unwritten: too many queued while the store failed.",
       rt.ledger->cards_dropped()},
  };
  for (const auto& c : counters) {
    out.Family(c.name, "counter", c.help);
    out.Sample(c.name, {}, static_cast<double>(c.value));
  }
  if (!rt.delivery) return;
  out.Family("selvhjelp_delivery_seconds", "histogram", "Records delivered since start: seconds from commit to delivered.");
  out.HistogramSamples("selvhjelp_delivery_seconds", {}, rt.delivery->delivery_seconds().Read());
  out.Family("selvhjelp_delivery_record_attempts", "histogram", "Records delivered since start: attempts each took.");
  out.HistogramSamples("selvhjelp_delivery_record_attempts", {}, rt.delivery->delivery_attempts().Read());
}

void WriteSources(Runtime& rt, Exposition& out) {
  const std::vector<SourceState> states = rt.directory->States();
  const int64_t now = NowMillis() / 1000;  // the sources' times are whole seconds
  out.Family("selvhjelp_group_source_last_success_age_seconds", "gauge",
             "Seconds since each group source was last read successfully (absent: never since its snapshot).");
  for (const SourceState& s : states) {
    if (s.last_success > 0) {
      out.Sample("selvhjelp_group_source_last_success_age_seconds", {{"source", s.name}}, static_cast<double>(now - s.last_success));
    }
  }
  out.Family("selvhjelp_group_source_errors_total", "counter", "Reads of each group source by this instance that failed or were refused, since start (with a shared store, another instance may read it).");
  for (const SourceState& s : states) {
    out.Sample("selvhjelp_group_source_errors_total", {{"source", s.name}}, static_cast<double>(s.failures));
  }
  out.Family("selvhjelp_group_source_stale", "gauge", "1 while a group source's latest read failed (its last good content is served).");
  for (const SourceState& s : states) out.Sample("selvhjelp_group_source_stale", {{"source", s.name}}, s.stale ? 1 : 0);
}

void WriteStore(Runtime& rt, Exposition& out) {
  const WriteHealth& health = rt.ledger->write_health();
  out.Family("selvhjelp_store_write_failures_total", "counter", "Store writes (and readiness probes) that failed since start, by kind.");
  for (size_t kind = 0; kind < WriteHealth::kFailureKinds.size(); ++kind) {
    out.Sample("selvhjelp_store_write_failures_total", {{"kind", WriteHealth::kFailureKinds[kind]}},
               static_cast<double>(health.failures(kind)));
  }
}

}  // namespace

std::string MetricsPage(Runtime& rt, const RequestMetrics& requests) {
  Exposition out;
  WriteOutbox(rt, out);
  WriteDelivery(rt, out);
  WriteSources(rt, out);
  WriteStore(rt, out);
  requests.Write(out);
  return out.text();
}

}  // namespace selvhjelp::plugin
