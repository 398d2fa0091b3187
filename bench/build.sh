#!/usr/bin/env bash
# Builds benchmark targets in their own build directory (RelWithDebInfo, configured only the first
# time), so a benchmark never changes the configuration of an existing build/ or build-sanitize/.
# Prints the directory. Usage: bash bench/build.sh TARGET...   (SELVHJELP_BENCH_BUILD=DIR to choose)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${SELVHJELP_BENCH_BUILD:-build-bench}
if [ ! -f "$dir/CMakeCache.txt" ]; then
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
fi
cmake --build "$dir" -j "$(nproc)" --target "$@" >/dev/null
echo "$dir"
