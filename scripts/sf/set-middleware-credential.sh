#!/usr/bin/env bash
# Points the QuickBooks_Middleware named credential at the middleware and stores its API key in the
# external credential's named principal (parameter ApiKey). The key is read from the environment variable
# LEDGERLINE_MIDDLEWARE_API_KEY (never from the command line, so it stays out of shell history and ps);
# it must be one of the middleware's LEDGERLINE_API_KEYS.
# Usage: LEDGERLINE_MIDDLEWARE_API_KEY=... scripts/sf/set-middleware-credential.sh --url https://billing.example.com [--target-org <alias>]
source "$(dirname "$0")/lib.sh"
parse_target_org "$@"
URL=""
set -- "${REST_ARGS[@]+"${REST_ARGS[@]}"}"
while [ $# -gt 0 ]; do
  case "$1" in
    --url) URL="$2"; shift 2 ;;
    *) die_usage "unknown argument $1" ;;
  esac
done
[[ "$URL" =~ ^https://[^[:space:]\"\<\>]+$ ]] || die_usage "--url must be an https:// URL (Salesforce callouts need TLS)"
URL="${URL%/}"
[ -n "${LEDGERLINE_MIDDLEWARE_API_KEY:-}" ] || die_usage "set LEDGERLINE_MIDDLEWARE_API_KEY to the middleware API key"

work="$(mktemp -d)"
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

# 1. The URL: deploy the named credential again with the real URL (metadata format, one component).
mkdir -p "$work/mdapi/namedCredentials"
sed "s#<parameterValue>https://ledgerline.invalid</parameterValue>#<parameterValue>${URL}</parameterValue>#" \
  "$SF_REPO_ROOT/force-app/main/default/namedCredentials/QuickBooks_Middleware.namedCredential-meta.xml" \
  > "$work/mdapi/namedCredentials/QuickBooks_Middleware.namedCredential"
grep -q "<parameterValue>${URL}</parameterValue>" "$work/mdapi/namedCredentials/QuickBooks_Middleware.namedCredential" \
  || { echo "error: could not set the URL in the named credential" >&2; exit 1; }
cat > "$work/mdapi/package.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata">
    <types><members>QuickBooks_Middleware</members><name>NamedCredential</name></types>
    <version>${SF_API_VERSION}</version>
</Package>
XML
sf_cli project deploy start --metadata-dir "$work/mdapi" --target-org "$TARGET_ORG" --wait 10

# 2. The key: Connect REST API /named-credentials/credential (POST creates, PUT replaces).
umask 077
node -e '
  const body = {
    externalCredential: "QuickBooks_Middleware",
    authenticationProtocol: "Custom",
    principalName: "Ledgerline_Middleware_Principal",
    principalType: "NamedPrincipal",
    credentials: { ApiKey: { value: process.env.LEDGERLINE_MIDDLEWARE_API_KEY, encrypted: true } },
  };
  process.stdout.write(JSON.stringify(body));
' > "$work/credential.json"
endpoint="/services/data/v${SF_API_VERSION}/named-credentials/credential"
if ! sf_cli api request rest "$endpoint" --method POST --body "@$work/credential.json" --target-org "$TARGET_ORG" >/dev/null 2>"$work/post.err"; then
  sf_cli api request rest "$endpoint" --method PUT --body "@$work/credential.json" --target-org "$TARGET_ORG" >/dev/null
fi
echo "QuickBooks_Middleware now calls ${URL} with the given API key (key not printed)."
