#!/usr/bin/env bash
# Sets the org default of the Ledgerline Settings custom setting, which formulas read through $Setup:
#   --multiple-entities  deals must choose a Billing Entity before Closed Won (several QuickBooks companies)
#   --sandbox            invoice links open app.sandbox.qbo.intuit.com (QuickBooks sandbox companies)
# Flags left out are set to false. Usage: scripts/sf/configure-settings.sh [--target-org <alias>] [--multiple-entities] [--sandbox]
source "$(dirname "$0")/lib.sh"
parse_target_org "$@"
MULTI=false
SANDBOX=false
for arg in "${REST_ARGS[@]+"${REST_ARGS[@]}"}"; do
  case "$arg" in
    --multiple-entities) MULTI=true ;;
    --sandbox) SANDBOX=true ;;
    *) die_usage "unknown argument $arg" ;;
  esac
done
apex="$(mktemp)"
trap 'rm -f "$apex"' EXIT
cat > "$apex" <<APEX
Ledgerline_Settings__c settings = Ledgerline_Settings__c.getOrgDefaults();
settings.Billing_Entity_Required__c = ${MULTI};
settings.QuickBooks_Sandbox__c = ${SANDBOX};
upsert settings;
APEX
sf_cli apex run --file "$apex" --target-org "$TARGET_ORG"
echo "Ledgerline Settings: Billing Entity Required=${MULTI}, QuickBooks Sandbox=${SANDBOX}"
