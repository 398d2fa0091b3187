#!/usr/bin/env bash
# Installs what selvhjelp needs on Debian 12 (root). Idempotent: apt runs only when a package is missing.
set -euo pipefail
packages=(g++ cmake make pkg-config libcpprest-dev rapidjson-dev libssl-dev libboost-test-dev
          libsqlite3-dev openssl nodejs npm curl
          python3 python3-jwt python3-cryptography)  # the last two: the test token endpoint's JWT checks
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
