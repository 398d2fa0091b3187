#pragma once
// The clinician app's routes under /app/ (docs/app-api.md): the SMART launch and callback, the
// page's static files, and the page's API (context, records). The launch logic, sessions and
// views are transport-free in plugin/app/; this file only maps them to HTTP. The calls to the
// EHR (discovery, token exchange, FHIR reads) never block a listener thread: they run on the
// outbound client's pool and answer from there.
#include <memory>

#include "plugin/http/router.h"
#include "plugin/runtime.h"

namespace selvhjelp::plugin {

class AppRoutes {
 public:
  virtual ~AppRoutes() = default;
  // Adds the /app/ routes to `router`. `runtime` must outlive this.
  virtual void AddTo(Router& router) = 0;
};

// Null when the app is not configured (no app.clientId), or the runtime has no session store
// (runtime.app_sessions): /app/ is then not found.
std::unique_ptr<AppRoutes> MakeAppRoutes(Runtime& runtime);

}  // namespace selvhjelp::plugin
