#!/usr/bin/env bash
# Starts a mounted image's own entrypoint in a chroot: its user, working directory, environment and command
# from the image config, plus the middleware settings this script was given in its environment. With
# `healthcheck`, runs the image's HEALTHCHECK command the same way instead (its exit code is the check's).
#   chroot-entrypoint.sh <mounted root> <image config JSON (as check.sh writes it: podman's Config plus Healthcheck)> [healthcheck]
set -euo pipefail
mnt="$1"
config="$2"
mode="${3:-entrypoint}"
mapfile -d '' -t image_env < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); sys.stdout.write("".join(e+"\0" for e in (c.get("Env") or [])))' "$config")
if [ "$mode" = healthcheck ]; then
  # ["CMD", program, args...] runs as it is; ["CMD-SHELL", text] through /bin/sh -c, as Docker does.
  mapfile -d '' -t command < <(python3 -c '
import json, sys
test = (json.load(open(sys.argv[1])).get("Healthcheck") or {}).get("Test") or []
if not test or test[0] not in ("CMD", "CMD-SHELL"): sys.exit("the image has no HEALTHCHECK command")
argv = test[1:] if test[0] == "CMD" else ["/bin/sh", "-c", test[1]]
sys.stdout.write("".join(a + "\0" for a in argv))' "$config")
else
  mapfile -d '' -t command < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); sys.stdout.write("".join(a+"\0" for a in (c.get("Entrypoint") or [])+(c.get("Cmd") or [])))' "$config")
fi
[ ${#command[@]} -gt 0 ] || { echo "chroot-entrypoint: the image configuration $config has no $mode command" >&2; exit 1; }
user="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("User") or "0")' "$config")"
workdir="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("WorkingDir") or "/")' "$config")"
# The middleware's settings (names as in middleware/.env.example) pass through; nothing else of this host does.
mapfile -d '' -t settings < <(env -0 | grep -zE '^(PORT|DATABASE_URL|LEDGERLINE_[A-Z_]+|QBO_[A-Z_]+|SALESFORCE_[A-Z_]+|METRICS_TOKEN|LOG_LEVEL|WORKER_[A-Z_]+|SWEEP_[A-Z_]+|CDC_[A-Z_]+|JOB_[A-Z_]+)=' | grep -zv '^LEDGERLINE_TEST_' || true)
group="${user#*:}"
exec chroot --userspec="${user%%:*}:${group}" "$mnt" /usr/bin/env -i "${image_env[@]}" "${settings[@]}" /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "${command[@]}"
