#!/usr/bin/env bash
# Installs everything Ledgerline needs on a fresh Debian machine: Node 22 (npm registry package),
# the Debian packages the checks use, and the npm dependencies from the committed lock file.
# Idempotent: run it again after pulling. Run it as root (or with sudo available) for the apt step.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node22.sh

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing Debian packages: ${need[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci (node $(node --version))"
  npm ci --no-audit --no-fund
fi
echo "setup: ready (node $(node --version), java $(java -version 2>&1 | head -1 | cut -d'"' -f2))"
