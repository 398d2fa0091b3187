#!/usr/bin/env bash
# Hook-endpoint benchmark: POST /cds-services/selvhjelp-patient-view with a ~10 KB prefetch and a
# 10,000-group directory, next to a bare cpprestsdk listener answering the same response bytes, in
# the same run (wrk on loopback, 2 server threads each, sharing the machine's cores with wrk):
#   latency:    one client, one request at a time (what a record system sees per hook call);
#   throughput: 16 connections.
# Then the in-process cost by stage (bench/decision_bench). JWT verification is off in the bench
# config because every token is single-use (jti); every other step of a real call runs, including
# the card rows written to the store. Usage: bash bench/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target selvhjelp bare_listener decision_bench >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import json, sys, random
work = sys.argv[1]
random.seed(7)
munis = ["0301", "4601", "5001", "5501", "1103", "4204", "3301", "1804"]
groups = []
for i in range(10000):
    digital = i % 50 == 0
    g = {"id": f"g{i}", "name": f"Gruppe {i} (syntetisk)", "organisation": random.choice(["AA", "NA", "Al-Anon", "Selvhjelp Norge"]),
         "themes": ["alcohol"], "audience": random.choice(["person", "relatives", "both"]), "twelveStep": i % 3 == 0,
         "format": "digital" if digital else "in-person", "meetings": [{"rrule": "FREQ=WEEKLY;BYDAY=TU", "startTime": "19:00"}],
         "synthetic": True}
    if not digital:
        m = random.choice(munis)
        g["address"] = {"municipality": m, "city": "X", "line": f"Gate {i}"}
    groups.append(g)
json.dump({"groups": groups}, open(f"{work}/groups.json", "w"))
cfg = json.load(open("config/demo.json"))
cfg["store"]["path"] = f"{work}/store.db"
import os
root = os.getcwd()
cfg["mappings"]["directory"] = f"{root}/mappings/data"
cfg["groups"]["sources"] = [{"name": "bench", "type": "json", "path": f"{work}/groups.json"}]
cfg["auth"] = {"required": False}
cfg["cards"]["informedIntervalDays"] = 0
json.dump(cfg, open(f"{work}/config.json", "w"))
req = json.load(open("docs/examples/patient-view-bergen.json"))
# ~10 KB of realistic prefetch: more conditions and relatives
conds = req["prefetch"]["conditions"]["entry"]
for i in range(25):
    conds.append({"resource": {"resourceType": "Condition", "id": f"c{i}", "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                  "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-no", "code": f"J{10+i}", "display": "Annen diagnose"}]}, "subject": {"reference": "Patient/p1"}}})
body = json.dumps(req)
open(f"{work}/body.json", "w").write(body)
print(f"request body: {len(body)} bytes, directory: {len(groups)} groups", file=sys.stderr)
lua = 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal f = io.open("%s/body.json")\nwrk.body = f:read("*a")\nf:close()\n' % work
open(f"{work}/post.lua", "w").write(lua)
PY
build/plugin/selvhjelp serve --config "$work/config.json" --port 18181 > "$work/svc.log" 2>/dev/null &
sleep 1
curl -s -X POST -H 'Content-Type: application/json' -d @"$work/body.json" http://127.0.0.1:18181/cds-services/selvhjelp-patient-view > "$work/response.json"
echo "response body: $(wc -c < "$work/response.json") bytes, cards: $(grep -o '"summary"' "$work/response.json" | wc -l)"
build/bench/bare_listener 18182 2 "$work/response.json" > /dev/null &
sleep 0.5
run() {  # run NAME URL CONNECTIONS
  wrk -t"$(( $3 > 1 ? 2 : 1 ))" -c"$3" -d"${secs}s" --latency -s "$work/post.lua" "$2" > "$work/$1.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/$1.txt")
  printf '%-34s req/s %10s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99"
  echo "$rps" > "$work/$1.rps"
}
bare=http://127.0.0.1:18182/
hook=http://127.0.0.1:18181/cds-services/selvhjelp-patient-view
run "bare-listener   (1 connection)" "$bare" 1
run "selvhjelp-hook  (1 connection)" "$hook" 1
run "bare-listener   (16 connections)" "$bare" 16
run "selvhjelp-hook  (16 connections)" "$hook" 16
python3 -c "
b=float(open('$work/bare-listener   (16 connections).rps').read()); s=float(open('$work/selvhjelp-hook  (16 connections).rps').read())
print(f'throughput ratio selvhjelp/bare at 16 connections: {s/b:.2f}')"
build/bench/decision_bench "$work/config.json" "$work/body.json" 20000
