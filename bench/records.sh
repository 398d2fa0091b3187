#!/usr/bin/env bash
# Recording throughput. First the store alone (bench/records_bench.cc): records committed per
# second by Outbox::Enqueue at 1 and 16 clients next to SQLite's own 1-row and 16-rows-a-commit
# loops on the same disk, three runs; then over HTTP (bench/records.mjs): POST /records committed
# at 1 and 16 clients and delivered to a FHIR server. Usage: bash bench/records.sh [RECORDS]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
(cd tests/peer && npm ci --silent --no-audit --no-fund >/dev/null)
build=$(bash bench/build.sh selvhjelp records_bench)
"$build/bench/records_bench" "$build/records-bench" "${1:-2000}"
SELVHJELP_BIN="$PWD/$build/plugin/selvhjelp" node --experimental-websocket bench/records.mjs "${1:-2000}"
