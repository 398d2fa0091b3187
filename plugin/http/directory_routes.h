#pragma once
// The group directory's routes under /directory/ (docs/group-sources.md): the sources' status,
// our own query (GET /directory/groups) and the directory as a small read-only FHIR R4 server —
// GET /directory/metadata (the CapabilityStatement), GET /directory/HealthcareService (search)
// and GET /directory/HealthcareService/{id} (read, with ETag / Last-Modified and 304 on
// If-None-Match). The directory holds no patient data: open to read, like a public listing.
// The searches are transport-free in plugin/groups/directory_query.h; this file maps them to HTTP.
#include "plugin/http/router.h"
#include "plugin/runtime.h"

namespace selvhjelp::plugin {

// Adds the /directory/ routes to `router`. `runtime` (its directory and config) must outlive the
// router. Every handler answers on the calling thread without waiting on the network.
void AddDirectoryRoutes(Router& router, Runtime& runtime);

}  // namespace selvhjelp::plugin
