#!/usr/bin/env bash
# Recording throughput (committed and delivered); see bench/records.mjs. Usage: bash bench/records.sh [RECORDS]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
(cd tests/peer && npm ci --silent --no-audit --no-fund >/dev/null)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target selvhjelp >/dev/null
SELVHJELP_BIN="$PWD/build/plugin/selvhjelp" node --experimental-websocket bench/records.mjs "${1:-2000}"
