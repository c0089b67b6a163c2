#!/usr/bin/env bash
# Loads demo data: billable Accounts (billing e-mail, terms, address), a contact, Products with SKUs, and
# open Opportunities. sf data tree import cannot reference the standard price book (it has no import
# reference id), so price book entries and opportunity lines are created by anonymous Apex afterwards
# (scripts/sample-data/add-prices-and-lines.apex), which looks the standard price book up by IsStandard.
# Usage: scripts/sf/load-sample-data.sh [--target-org <alias>]
source "$(dirname "$0")/lib.sh"
parse_target_org "$@"
[ ${#REST_ARGS[@]} -eq 0 ] || die_usage "unknown argument ${REST_ARGS[0]}"
cd "$SF_REPO_ROOT"
sf_cli data tree import --plan scripts/sample-data/plan.json --target-org "$TARGET_ORG"
sf_cli apex run --file scripts/sample-data/add-prices-and-lines.apex --target-org "$TARGET_ORG"
echo "sample data loaded: close one of the 'Ledgerline Demo' opportunities to send it to the middleware."
