#!/usr/bin/env bash
# Configures DIR (default build-sanitize) as the sanitizer build: clang, AddressSanitizer +
# UndefinedBehaviorSanitizer + _GLIBCXX_ASSERTIONS, and libFuzzer coverage in every library
# (SELVHJELP_SANITIZE and SELVHJELP_FUZZ); the benchmarks are left out. One build serves both the test suite under the
# sanitizers (scripts/test.sh) and the fuzz harnesses (scripts/fuzz.sh). Uses ccache when present.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-sanitize}
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DSELVHJELP_SANITIZE=ON -DSELVHJELP_FUZZ=ON -DSELVHJELP_BENCH=OFF "${launcher[@]}" >/dev/null
