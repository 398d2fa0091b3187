#!/usr/bin/env bash
# The Debian package, end to end (docs/operations.md, "Install from the Debian package"):
#  1. `cpack -G DEB` in the build folder; its listing (dpkg -c), control fields (computed Depends)
#     and conffiles;
#  2. `dpkg -i` into a clean root (dpkg --root on an empty dpkg database with a root-only
#     /etc/passwd; maintainer scripts run chrootless with DPKG_ROOT, as dpkg supports for
#     bootstrapping): the files land, postinst creates the selvhjelp user and the secrets folder;
#     the host's own /etc and dpkg database are never touched;
#  3. `systemd-analyze verify --root` of the installed unit in that root (warnings fail too);
#  4. the installed binary, with the demo config pointed at the installed mappings and web assets,
#     serves: /health, /livez and /readyz 200, and a patient-view hook call answers a card.
# Usage: deb_package_test.sh BUILD_DIR SOURCE_DIR. Cleans up everything it made, on failure too.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$(mktemp -d /tmp/selvhjelp-deb-test.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "cpack -G DEB"
(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/pkg/selvhjelp_*.deb)
echo "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

step "the package's listing and control fields"
listing=$(dpkg -c "$deb")
for path in ./usr/bin/selvhjelp ./etc/selvhjelp/selvhjelp.json ./lib/systemd/system/selvhjelp.service \
            ./usr/share/selvhjelp/mappings/texts.json ./usr/share/selvhjelp/mappings/handout/nb.json \
            ./usr/share/selvhjelp/web/app/index.html ./usr/share/selvhjelp/conformance/Measure-selvhjelp-information.json \
            ./usr/share/doc/selvhjelp/operations.md; do
  grep -q " $path\$" <<<"$listing" || fail "$path not in the package"
done
grep -q '^-rwxr-xr-x root/root .* ./usr/bin/selvhjelp$' <<<"$listing" || fail "the binary is not root-owned 0755"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libcpprest libssl3 libsqlite3 libcairo2 libpango fonts-noto-core passwd; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (shlibdeps or the fixed list)"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/selvhjelp/selvhjelp.json || fail "the config is not a conffile"

step "dpkg -i into a clean root"
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'root:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
printf 'root:*::\n' >"$root/etc/gshadow"
# --force-depends: the empty root has none of the libraries (the host has them; the binary runs
# from the root against the host's libraries below).
dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null -i "$deb" >"$work/dpkg.log" 2>&1 \
  || { cat "$work/dpkg.log"; fail "dpkg -i"; }
dpkg --root="$root" -s selvhjelp | grep -q '^Status: install ok installed$' || fail "not installed per dpkg"
dpkg --root="$root" -s selvhjelp | grep -q '/etc/selvhjelp/selvhjelp.json [0-9a-f]\{32\}' || fail "conffile not recorded"
grep -q '^selvhjelp:x:[0-9]*:[0-9]*:selvhjelp service:/var/lib/selvhjelp:/usr/sbin/nologin$' "$root/etc/passwd" \
  || fail "postinst did not create the system user: $(cat "$root/etc/passwd")"
[ "$(stat -c %a "$root/etc/selvhjelp/secrets")" = 750 ] || fail "secrets folder not 0750"
[ -x "$root/usr/bin/selvhjelp" ] || fail "binary not installed"

step "systemd-analyze verify"
# The unit's dependencies (sysinit.target, network-online.target...) are systemd's own, which a
# Debian root with systemd as init has: the host's targets are copied in, nothing of ours.
cp /lib/systemd/system/*.target "$root/lib/systemd/system/"
systemd-analyze verify --root="$root" /lib/systemd/system/selvhjelp.service >"$work/verify.log" 2>&1 \
  || { cat "$work/verify.log"; fail "systemd-analyze verify"; }
# It exits 0 on unknown keys and bad values (it ignores them, as systemd would): any output fails.
if [ -s "$work/verify.log" ]; then cat "$work/verify.log"; fail "systemd-analyze verify printed warnings"; fi

step "the installed binary serves the demo"
share="$root/usr/share/selvhjelp"
mkdir -p "$work/demo"
cp -r "$src/config/demo" "$work/demo/demo"
python3 - "$src/config/demo.json" "$work/demo/config.json" "$share" "$work/state" <<'PY'
import json, sys
source, target, share, state = sys.argv[1:]
c = json.load(open(source))
c["service"]["port"] = 0
c["store"]["path"] = state + "/demo-store.db"
c["mappings"]["directory"] = share + "/mappings"
c["app"]["webDirectory"] = share + "/web/app"
json.dump(c, open(target, "w"), indent=2)
PY
"$root/usr/bin/selvhjelp" serve --config "$work/demo/config.json" >"$work/serve.log" 2>&1 &
pid=$!
base=""
for _ in $(seq 1 600); do  # up to 60 s for the "listening on" line on a loaded machine
  base=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$work/serve.log" | head -1 | sed 's/listening on //') || true
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; fail "serve exited"; }
  sleep 0.1
done
[ -n "$base" ] || { cat "$work/serve.log"; fail "no listening line"; }
for probe in /health /livez /readyz; do
  code=$(curl -s -o "$work/probe.json" -w '%{http_code}' "$base$probe")
  [ "$code" = 200 ] || { cat "$work/probe.json"; fail "$probe answered $code"; }
done
curl -s "$base/app/" | grep -q '<html' || fail "the app's page is not served from the installed web assets"
url="$base/cds-services/selvhjelp-patient-view"
token=$("$root/usr/bin/selvhjelp" demo-token --key "$src/config/demo/demo-ehr-key.pem" --iss https://demo-ehr.example --aud "$url")
cat >"$work/hook.json" <<'JSON'
{"hook": "patient-view", "hookInstance": "0b8e1f4e-1d1f-4c0e-9a3b-5a7a0c1f2d3e",
 "context": {"userId": "Practitioner/prac-1", "patientId": "p-deb"},
 "prefetch": {
   "patient": {"resourceType": "Patient", "id": "p-deb", "address": [{"use": "home", "city": "Bergen", "postalCode": "5003"}]},
   "conditions": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "Condition", "id": "c-deb",
     "subject": {"reference": "Patient/p-deb"}, "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
     "code": {"coding": [{"system": "urn:oid:2.16.578.1.12.4.1.1.7110", "code": "F10.2"}]}}}]},
   "informationRecords": null, "relatedPersons": null, "episodesOfCare": null, "practitioner": null}}
JSON
code=$(curl -s -o "$work/cards.json" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  --data-binary @"$work/hook.json" "$url")
[ "$code" = 200 ] || { cat "$work/cards.json"; fail "the hook answered $code"; }
python3 -c 'import json,sys; cards=json.load(open(sys.argv[1]))["cards"]; assert cards, "no card"; print("cards:", len(cards), "-", cards[0]["summary"])' "$work/cards.json" \
  || fail "no card for a patient with F10.2 in Bergen"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
echo "PASS"
