#pragma once
// Secrets kept out of the config file: any string value may name an environment variable or a
// file whose content takes its place (docs/configuration.md, "Values from the environment or
// files"):
//   "${env:NAME}"   the environment variable NAME (set, even if empty)
//   "${file:PATH}"  the content of the file at PATH (relative: to the config file's folder), one
//                   trailing newline dropped, as systemd credentials, Kubernetes Secrets and
//                   `echo` write them
//   "$${"           a literal "${"
// A reference may be part of a longer value ("https://${env:EHR_HOST}/fhir"); it is put in as is,
// not encoded: a PostgreSQL password belongs in PGPASSFILE, not in store.url (docs/operations.md).
// The values put in are never quoted in a problem, so a check-config run or a log line cannot
// show a secret.
#include <filesystem>

#include "fhir/json/json_file.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::config {

// Replaces every reference in the string values (not the keys) of `root`, in place. Each
// reference that cannot be resolved (a variable not set, a file that cannot be read, a reference
// of another kind, a "${" never closed) is a problem at its value's line and field, and leaves
// the value unchanged.
void ExpandReferences(fhir::JsonValue& root, const std::filesystem::path& dir, fhir::DataProblems& problems);

}  // namespace selvhjelp::config
