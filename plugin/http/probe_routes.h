#pragma once
// The probes of a load balancer or of Kubernetes (docs/operations.md, "Probes"):
//   GET /livez   200 {"status":"alive"} whenever the listener answers. It checks nothing else on
//                purpose: a store or a source that is down is no reason to restart the process,
//                and a restart would not mend it.
//   GET /readyz  200 {"status":"ready"} when this instance can take requests: the store can write
//                (the probe /health uses) and the directory serves groups or has read every
//                source once, and the service is not stopping; otherwise 503 with an
//                OperationOutcome, one issue (code "transient") per reason, naming no patient data.
// /health stays as it was: its counts, and 503 when the store cannot write.
#include "plugin/http/router.h"
#include "plugin/runtime.h"

namespace selvhjelp::plugin {

// Adds /livez and /readyz to `router`. `runtime` must outlive the router; it must have been loaded
// with its store open (a ledger and a directory). The handlers answer on the calling thread and
// never wait for the store: they read its latest write's outcome (Ledger::Readiness).
void AddProbeRoutes(Router& router, Runtime& runtime);

}  // namespace selvhjelp::plugin
