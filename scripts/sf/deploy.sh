#!/usr/bin/env bash
# Deploys force-app to an org (scratch org, sandbox or production) and runs the package's Apex tests.
# Usage: scripts/sf/deploy.sh [--target-org <alias>] [--dry-run]
source "$(dirname "$0")/lib.sh"
parse_target_org "$@"
DRY_RUN=()
for arg in "${REST_ARGS[@]+"${REST_ARGS[@]}"}"; do
  case "$arg" in
    --dry-run) DRY_RUN=(--dry-run) ;;
    *) die_usage "unknown argument $arg" ;;
  esac
done
cd "$SF_REPO_ROOT"
# RunLocalTests works everywhere (production requires tests); the Ledgerline classes aim for >90% coverage.
sf_cli project deploy start --source-dir force-app --target-org "$TARGET_ORG" --test-level RunLocalTests \
  --wait 30 "${DRY_RUN[@]+"${DRY_RUN[@]}"}"
echo "deployed; next: scripts/sf/assign-permission-sets.sh --target-org $TARGET_ORG"
