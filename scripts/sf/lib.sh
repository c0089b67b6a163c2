#!/usr/bin/env bash
# Shared helpers for the admin scripts in scripts/sf. Source it; do not run it.
set -euo pipefail
SF_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SF_API_VERSION="66.0"

# The sf CLI: the project's own copy (node_modules/.bin/sf) if installed, else one on PATH.
sf_cli() {
  if [ -x "$SF_REPO_ROOT/node_modules/.bin/sf" ]; then
    "$SF_REPO_ROOT/node_modules/.bin/sf" "$@"
  elif command -v sf >/dev/null 2>&1; then
    sf "$@"
  else
    echo "error: the Salesforce CLI (sf) is not installed. Install it with: npm install --global @salesforce/cli" >&2
    return 127
  fi
}

# Usage text plus exit 2, for a missing or unknown argument.
die_usage() {
  echo "error: $1" >&2
  echo "see scripts/sf/README.md" >&2
  exit 2
}

# Reads --target-org/-o <alias> from the arguments into TARGET_ORG (default: $SF_TARGET_ORG or ledgerline).
parse_target_org() {
  TARGET_ORG="${SF_TARGET_ORG:-ledgerline}"
  REST_ARGS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      -o|--target-org) [ $# -ge 2 ] || die_usage "$1 needs an org alias"; TARGET_ORG="$2"; shift 2 ;;
      *) REST_ARGS+=("$1"); shift ;;
    esac
  done
}
