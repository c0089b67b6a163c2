#!/usr/bin/env bash
# Assigns Ledgerline permission sets to users (default: the org's default user gets Admin and Finance).
# Usage: scripts/sf/assign-permission-sets.sh [--target-org <alias>] [--user <username>]... [PermissionSet]...
#   PermissionSet is one of Ledgerline_Sales, Ledgerline_Finance, Ledgerline_Admin, Ledgerline_Integration.
source "$(dirname "$0")/lib.sh"
parse_target_org "$@"
USERS=()
SETS=()
set -- "${REST_ARGS[@]+"${REST_ARGS[@]}"}"
while [ $# -gt 0 ]; do
  case "$1" in
    --user) USERS+=(--on-behalf-of "$2"); shift 2 ;;
    Ledgerline_Sales|Ledgerline_Finance|Ledgerline_Admin|Ledgerline_Integration) SETS+=(--name "$1"); shift ;;
    *) die_usage "unknown argument or permission set $1" ;;
  esac
done
[ ${#SETS[@]} -gt 0 ] || SETS=(--name Ledgerline_Admin --name Ledgerline_Finance)
sf_cli org assign permset "${SETS[@]}" "${USERS[@]+"${USERS[@]}"}" --target-org "$TARGET_ORG"
