#!/usr/bin/env bash
# Creates a scratch org from config/project-scratch-def.json and makes it the project's default org.
# Usage: scripts/sf/create-scratch-org.sh [--target-org <alias>] [--dev-hub <alias>] [--days <1-30>]
source "$(dirname "$0")/lib.sh"
parse_target_org "$@"
DEV_HUB=""
DAYS=7
set -- "${REST_ARGS[@]+"${REST_ARGS[@]}"}"
while [ $# -gt 0 ]; do
  case "$1" in
    --dev-hub) DEV_HUB="$2"; shift 2 ;;
    --days) DAYS="$2"; shift 2 ;;
    *) die_usage "unknown argument $1" ;;
  esac
done
args=(org create scratch --definition-file "$SF_REPO_ROOT/config/project-scratch-def.json" --alias "$TARGET_ORG"
  --duration-days "$DAYS" --set-default --wait 15)
[ -n "$DEV_HUB" ] && args+=(--target-dev-hub "$DEV_HUB")
cd "$SF_REPO_ROOT"
sf_cli "${args[@]}"
echo "scratch org '$TARGET_ORG' is ready; next: scripts/sf/deploy.sh --target-org $TARGET_ORG"
