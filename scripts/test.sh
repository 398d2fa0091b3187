#!/usr/bin/env bash
# Builds everything and runs every test: a normal build, then the same suite under
# AddressSanitizer + UndefinedBehaviorSanitizer (+ _GLIBCXX_ASSERTIONS), then a short round of
# every libFuzzer harness (scripts/fuzz.sh, 20 s each). Installs what is missing first. Idempotent.
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
echo "== fuzz (short round; the long run is: bash scripts/fuzz.sh)"
FUZZ_JOBS=$jobs bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
