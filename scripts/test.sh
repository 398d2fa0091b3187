#!/usr/bin/env bash
# Builds everything and runs every test: a normal build (gcc) and its suite; the same suite under
# AddressSanitizer + UndefinedBehaviorSanitizer + _GLIBCXX_ASSERTIONS (clang, build-sanitize);
# then a short round of every libFuzzer harness from that same build (scripts/fuzz.sh, 20 s
# each, two at a time). Installs what is missing first. Idempotent. Prints each phase's time.
set -euo pipefail
cd "$(dirname "$0")/.."
phase() { echo "== $1 (at ${SECONDS}s)"; }
phase "dependencies"
bash scripts/install-deps.sh --tests
# The third-party FHIR server and validators used by the integration tests (pinned by package-lock.json).
(cd tests/peer && npm ci --no-audit --no-fund --loglevel=error)
# The demo record system's oidc-provider (tests/web/demo_ehr.test.mjs starts demo/ehr.mjs).
(cd demo && npm ci --no-audit --no-fund --loglevel=error)
jobs=$(nproc)
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

phase "build (gcc, line tables only: enough for a backtrace, a third less compile time)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
      "${launcher[@]}" >/dev/null
cmake --build build -j "$jobs"
phase "build: ctest"
(cd build && ctest --output-on-failure)

phase "build-sanitize (clang, ASan + UBSan + _GLIBCXX_ASSERTIONS)"
bash scripts/configure-sanitize.sh build-sanitize
cmake --build build-sanitize -j "$jobs"
phase "build-sanitize: ctest"
(cd build-sanitize && ctest --output-on-failure)

phase "fuzz (short round; the long run is: bash scripts/fuzz.sh)"
FUZZ_JOBS=$jobs bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
phase "done"
