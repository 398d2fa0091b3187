#!/usr/bin/env bash
# Builds everything and runs every test: a normal build, then the same suite under
# AddressSanitizer + UndefinedBehaviorSanitizer. Installs what is missing first. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
# The third-party FHIR server and validators used by the integration tests (pinned by package-lock.json).
(cd tests/peer && npm ci --no-audit --no-fund --loglevel=error)
# The demo record system's oidc-provider (tests/web/demo_ehr.test.mjs starts demo/ehr.mjs).
(cd demo && npm ci --no-audit --no-fund --loglevel=error)
jobs=$(nproc)
for variant in build build-asan; do
  sanitize=OFF
  [ "$variant" = build-asan ] && sanitize=ON
  echo "== $variant (sanitizers: $sanitize)"
  cmake -S . -B "$variant" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSELVHJELP_SANITIZE=$sanitize >/dev/null
  cmake --build "$variant" -j "$jobs"
  (cd "$variant" && ctest --output-on-failure)
done
