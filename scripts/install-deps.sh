#!/usr/bin/env bash
# Installs what selvhjelp needs on Debian 12 (root). Idempotent: apt runs only when a package is missing.
# cairo and pango write the handout and journal-note PDFs (pango shapes every script, cairo writes
# PDF); the Noto and DejaVu fonts cover Norwegian, Sami and the other scripts a handout may be in.
# With --tests also what only the tests use: python3-jwt and python3-cryptography (the token
# endpoint that checks our SMART client assertions independently), chromium (the browser that
# renders the audit report and the app's page), clang and libclang-rt-14-dev (libFuzzer, for
# scripts/fuzz.sh), poppler-utils (pdftotext/pdfinfo read the PDFs back) and python3-jsonschema
# (validates the HSDS export against Open Referral's schemas, tests/integration/hsds_schema_check.py)
# and prometheus (for its promtool, which checks the /metrics exposition in observability.test.mjs)
# and systemd (systemd-analyze verifies the package's unit, tests/packaging/deb_package_test.sh)
# and postgresql (the PostgreSQL store's tests start their own server in a temporary folder).
# dpkg-dev: dpkg-shlibdeps computes the Debian package's Depends (`cpack -G DEB`, docs/operations.md).
# libpq-dev builds the PostgreSQL store (store.url).
# With --bench what bench/run.sh uses besides: wrk (HTTP load on loopback), valgrind (callgrind
# counts instructions per call), python3 (its helpers) and postgresql (the PostgreSQL store's
# figures, on a server the benchmark starts in a temporary folder).
set -euo pipefail
packages=(g++ cmake make pkg-config libcpprest-dev libboost-dev rapidjson-dev libssl-dev libboost-test-dev
          libsqlite3-dev openssl nodejs npm curl libcairo2-dev libpango1.0-dev fonts-dejavu-core
          fonts-noto-core dpkg-dev libpq-dev)
if [ "${1:-}" = --tests ]; then packages+=(python3 python3-jwt python3-cryptography chromium clang libclang-rt-14-dev poppler-utils python3-jsonschema prometheus systemd postgresql); fi
if [ "${1:-}" = --bench ]; then packages+=(wrk valgrind python3 postgresql); fi
missing=()
for p in "${packages[@]}"; do
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi  # nodesource node ships npm
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
