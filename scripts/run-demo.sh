#!/usr/bin/env bash
# Builds selvhjelp and starts the whole demo: the demo record system (demo/ehr.mjs: a SMART
# authorization server and a FHIR server with synthetic patients, on http://127.0.0.1:9090 or
# $DEMO_EHR_PORT) and selvhjelp on the demo config (synthetic groups, the demo EHR as issuer, a local
# store under var/) at http://127.0.0.1:8080, or the port given as $1. Open the demo EHR's URL, choose
# a patient: the clinician app opens as an EHR launches it, with the CDS Hooks card beside it.
#   bash scripts/run-demo.sh [PORT]   start (Ctrl-C stops both)
#   bash scripts/run-demo.sh reset    after stopping: forget every record and card (var/demo-store.db);
#                                     the demo EHR starts afresh each time (its page also has a reset button)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = reset ]; then
  rm -f var/demo-store.db var/demo-store.db-journal var/demo-store.db-wal var/demo-store.db-shm \
    var/demo-store.db-used-tokens var/demo-store.db-used-tokens-wal var/demo-store.db-used-tokens-shm
  echo "demo state reset: var/demo-store.db removed (the demo EHR keeps nothing between starts)"
  exit 0
fi
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target selvhjelp
(cd tests/peer && npm ci --no-audit --no-fund --loglevel=error)  # the FHIR server (Medplum)
(cd demo && npm ci --no-audit --no-fund --loglevel=error)        # the SMART authorization server (oidc-provider)
port=${1:-8080}
ehr_port=${DEMO_EHR_PORT:-9090}
base=http://127.0.0.1:$port
ehr=http://127.0.0.1:$ehr_port
node demo/ehr.mjs --port "$ehr_port" --selvhjelp "$base" &
ehr_pid=$!
trap 'kill "$ehr_pid" 2>/dev/null || true' EXIT
cat <<EOT

selvhjelp demo  (Ctrl-C stops it)
  demo record system (open this):  $ehr/
    patient list; choosing a patient launches the app ($base/app/launch?iss=$ehr/fhir/R4&launch=…)
    and shows the CDS Hooks card. The demo clinician (HPR 9144889, synthetic) is logged in automatically.
  selvhjelp:                       $base

Try, in another shell:
  token() { build/plugin/selvhjelp demo-token --key config/demo/demo-ehr-key.pem --iss https://demo-ehr.example --aud "$base\$1"; }
  curl -s -H "Authorization: Bearer \$(token /cds-services)" $base/cds-services
  curl -s -H "Authorization: Bearer \$(token /cds-services/selvhjelp-patient-view)" \\
       -H 'Content-Type: application/json' -d @docs/examples/patient-view-bergen.json \\
       $base/cds-services/selvhjelp-patient-view
  curl -s "$base/directory/groups?municipality=4601"      # the directory as FHIR HealthcareService
  curl -s $base/directory/status                          # each group source's state
  # the compliance figures over the demo record system, as the demo's auditor:
  curl -s -H "Authorization: Bearer \$(build/plugin/selvhjelp demo-token --key config/demo/demo-ehr-key.pem --iss https://demo-ehr.example --sub demo-auditor --aud '$base/fhir/Measure/\$evaluate-measure')" \\
       "$base/fhir/Measure/\\\$evaluate-measure?periodStart=2026-01-01&periodEnd=2026-12-31"
  build/plugin/selvhjelp check-config config/demo.json
  build/plugin/selvhjelp directory list config/demo.json --municipality 5001
Reset the demo's state: stop it, then  bash scripts/run-demo.sh reset

EOT
config=config/demo.json
if [ "$port" != 8080 ] || [ "$ehr_port" != 9090 ]; then
  # The demo config names the demo EHR (9090) and the app's redirect URI (8080): other ports get a
  # copy beside it (same folder, so its relative paths still hold; not in git).
  config=config/demo-ports.local.json
  sed -e "s|127.0.0.1:9090|127.0.0.1:$ehr_port|g" -e "s|127.0.0.1:8080|127.0.0.1:$port|g" config/demo.json >"$config"
fi
build/plugin/selvhjelp serve --config "$config" --port "$port"
