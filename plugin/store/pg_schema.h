#pragma once
// The PostgreSQL store's schema, versioned: each migration runs once, in its own transaction,
// recorded in schema_migrations(version, applied_at). Instances starting together take the
// advisory lock kSchemaLock first, so one migrates and the others find it done. A database whose
// schema is newer than this build knows is refused (an older selvhjelp must not write it).
#include "fhir/base/result.h"
#include "plugin/store/pg_db.h"

namespace selvhjelp::plugin {

// pg_advisory_lock key of schema migrations ("selv" in ASCII).
inline constexpr int64_t kSchemaLock = 0x73656c76;

// The version this build brings the schema to.
int CurrentSchemaVersion();

// Brings the database on `conn` to CurrentSchemaVersion() under kSchemaLock. Unavailable when
// the database cannot be reached or refuses a migration (nothing of that migration is applied);
// FailedPrecondition when its schema is newer than this build.
[[nodiscard]] Status MigrateSchema(PgConnection& conn);

}  // namespace selvhjelp::plugin
