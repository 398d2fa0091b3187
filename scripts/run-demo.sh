#!/usr/bin/env bash
# Builds selvhjelp and starts it on the demo config (synthetic groups, the demo EHR issuer, a
# local store under var/) at http://127.0.0.1:8080, or the port given as $1. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target selvhjelp
port=${1:-8080}
base=http://127.0.0.1:$port
cat <<EOT

selvhjelp demo on $base  (Ctrl-C stops it)

Try, in another shell:
  token() { build/plugin/selvhjelp demo-token --key config/demo/demo-ehr-key.pem --iss https://demo-ehr.example --aud "$base\$1"; }
  curl -s -H "Authorization: Bearer \$(token /cds-services)" $base/cds-services
  curl -s -H "Authorization: Bearer \$(token /cds-services/selvhjelp-patient-view)" \\
       -H 'Content-Type: application/json' -d @docs/examples/patient-view-bergen.json \\
       $base/cds-services/selvhjelp-patient-view
  curl -s "$base/directory/groups?municipality=4601"      # the directory as FHIR HealthcareService
  curl -s $base/directory/status                          # each group source's state
  build/plugin/selvhjelp check-config config/demo.json
  build/plugin/selvhjelp directory list config/demo.json --municipality 5001

EOT
exec build/plugin/selvhjelp serve --config config/demo.json --port "$port"
