#!/usr/bin/env bash
# Directory benchmark (bench/directory_bench.cc; nine in ten synthetic groups have coordinates).
#   bash bench/directory.sh [N]      import N groups from JSON and CSV, index them, time 100,000
#                                    place queries without and with the patient's position, the
#                                    importer's peak memory, and `selvhjelp serve`'s memory with
#                                    the same N groups as its one source (default 100,000)
#   bash bench/directory.sh --growth the growth table: query times at 1,000, 10,000 and 100,000
#                                    groups, without and with the patient's position
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(bash bench/build.sh directory_bench selvhjelp)
geography=mappings/data/geography.json
if [ "${1:-}" = "--growth" ]; then
  exec "$build/bench/directory_bench" growth "$geography" 1000 10000 100000
fi
n=${1:-100000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
"$build/bench/directory_bench" generate "$work" "$n"
echo "files: $(du -h "$work/groups.json" | cut -f1) JSON, $(du -h "$work/groups.csv" | cut -f1) CSV"
"$build/bench/directory_bench" measure "$work" "$geography"

# serve with the generated JSON as its one source: resident memory once it listens (VmRSS) and
# its peak while loading (VmHWM).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/config.json" <<JSON
{"service": {"bindAddress": "127.0.0.1", "port": $port, "threads": 2},
 "store": {"path": "$work/store.db"}, "mappings": {"directory": "$PWD/mappings/data"},
 "groups": {"sources": [{"name": "bench", "type": "json", "path": "$work/groups.json", "refreshSeconds": 3600}]},
 "auth": {"required": false}}
JSON
"$build/plugin/selvhjelp" serve --config "$work/config.json" >"$work/serve.log" 2>&1 &
serve=$!
until grep -q "listening" "$work/serve.log"; do
  kill -0 "$serve" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/directory/status" >/dev/null || true
echo "selvhjelp serve with $n groups: $(awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024}' "/proc/$serve/status")"
kill "$serve"
wait "$serve" 2>/dev/null || true
