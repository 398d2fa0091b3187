#!/usr/bin/env bash
# Audit benchmark: a synthetic Bulk Data export of N patients (default 1,000,000) and one of N/10;
# for each, the audit's throughput in MB/s next to RapidJSON's raw parse rate of the same files in
# the same run, and the audit's peak memory (GNU time's maximum resident set size).
# Needs about 2 KB of disk per patient in a temporary folder. Usage: bash bench/audit.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }  # GNU time: peak memory
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target selvhjelp ndjson_parse_bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for patients in $((n / 10)) "$n"; do
  bulk="$work/bulk-$patients"
  /usr/bin/time -f "%e" -o "$work/synth-time" build/plugin/selvhjelp synth --patients "$patients" --seed 1 --out "$bulk" >/dev/null
  mb=$(du -sm --apparent-size "$bulk" | cut -f1)
  raw=$(build/bench/ndjson_parse_bench "$bulk")
  /usr/bin/time -f "%e %M" -o "$work/audit-time" build/plugin/selvhjelp audit --config config/demo.json \
      --from 2026-01-01 --to 2026-06-30 --bulk "$bulk" --out "$work/out-$patients" > "$work/audit-out"
  read -r seconds kb < "$work/audit-time"
  raw_rate=$(echo "$raw" | cut -d' ' -f2)
  audit_rate=$(python3 -c "print(f'{$mb * 1.048576 / $seconds:.1f}')")
  ratio=$(python3 -c "print(f'{$audit_rate / $raw_rate:.2f}')")
  echo "patients $patients: export $mb MB (written in $(cat "$work/synth-time") s)"
  echo "  rapidjson raw parse:  $raw_rate MB/s"
  echo "  audit:                $audit_rate MB/s in $seconds s  (ratio to raw parse $ratio), peak memory $((kb / 1024)) MB"
  sed 's/^/  /' "$work/audit-out" | head -2
  if ! python3 - "$bulk/expected.json" "$work/out-$patients/measure-report.json" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))["groups"]
report = json.load(open(sys.argv[2]))
for group in report["group"]:
    counts = {p["code"]["coding"][0]["code"]: p["count"] for p in group["population"]}
    want = expected[group["id"]]
    assert counts["initial-population"] == want["initialPopulation"] and counts["numerator"] == want["numerator"], group["id"]
print("  figures match expected.json")
PY
  then echo "  FIGURES DO NOT MATCH expected.json"; fi
  rm -rf "$bulk" "$work/out-$patients"
done
