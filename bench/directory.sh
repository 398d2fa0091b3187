#!/usr/bin/env bash
# Directory benchmark: import N synthetic groups from JSON and from CSV, index them, time 100,000
# place queries, and report peak memory of the importing process. Usage: bash bench/directory.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target directory_bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build/bench/directory_bench generate "$work" "$n"
echo "files: $(du -h "$work/groups.json" | cut -f1) JSON, $(du -h "$work/groups.csv" | cut -f1) CSV"
build/bench/directory_bench measure "$work"
