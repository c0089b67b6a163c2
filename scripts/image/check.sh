#!/usr/bin/env bash
# Builds the middleware image from ./Dockerfile and runs its own entrypoint against PostgreSQL and the local
# emulators: connect QuickBooks, close a deal, see the invoice, scrape /metrics, run the image's HEALTHCHECK,
# SIGTERM. See scripts/image/README.md.
#
#   sudo scripts/image/check.sh              # makes the Node 22 base first if there is none (slow, once)
#   sudo scripts/image/check.sh --if-cached  # CI: runs only where a base made earlier exists
#
# Registries cannot be reached from every machine, and containers cannot always be run (podman run fails on
# setrlimit in some sandboxes). So: the Node 22 base is made here (debootstrap + this machine's Node 22 and
# npm), passed as the Dockerfile's NODE_IMAGE; `podman build --isolation=chroot` builds; the image is mounted
# with buildah and its entrypoint started with chroot, which shares the host network (PostgreSQL and the
# emulators on 127.0.0.1 are reachable).
#
# Where a prerequisite is missing (podman or buildah, root, a PostgreSQL server; with --if-cached, the base, or
# dependency layers built for this Dockerfile and these manifests by a run that passed) it prints
# `image-check: skipped: <why>` and exits 0. Any failure after that exits 1.
#
# LEDGERLINE_IMAGE_CACHE (default /var/tmp/ledgerline-image) keeps the base root filesystem and the logs
# between runs; LEDGERLINE_REBUILD_BASE=1 makes the base again; DEBIAN_MIRROR overrides deb.debian.org.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

if_cached=0
for arg in "$@"; do
  case "$arg" in
    --if-cached) if_cached=1 ;;
    *) echo "image-check: unknown argument $arg (only --if-cached)" >&2; exit 2 ;;
  esac
done
skip() {
  echo "image-check: skipped: $*"
  exit 0
}

missing=()
for tool in podman buildah; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ ${#missing[@]} -eq 0 ] || skip "${missing[*]} not installed (apt-get install podman buildah debootstrap)"
[ "$(id -u)" = 0 ] || skip "needs root (podman build --isolation=chroot, buildah mount and chroot); run it with sudo"

cache="${LEDGERLINE_IMAGE_CACHE:-/var/tmp/ledgerline-image}"
base="localhost/ledgerline-node22-base:local"
image="localhost/ledgerline-middleware:check"
stage_tag="localhost/ledgerline-middleware:stage"
mkdir -p "$cache"
# shellcheck source=../node22.sh
source scripts/node22.sh
source scripts/postgres-probe.sh >/dev/null
[ -n "${LEDGERLINE_TEST_POSTGRES_URL:-}" ] || skip "no PostgreSQL answers on 127.0.0.1:5432 (start it, or set LEDGERLINE_TEST_POSTGRES_URL)"

# --- 1. the Node 22 base ----------------------------------------------------------------------------------
# What the slow layers (both npm ci) depend on; --if-cached runs only when a run that passed built them.
layers_key="$(cat Dockerfile package.json package-lock.json middleware/package.json | sha256sum | cut -d' ' -f1)"
if [ "${LEDGERLINE_REBUILD_BASE:-0}" != 1 ] && [ "$if_cached" = 1 ]; then
  podman image exists "$base" \
    || skip "no cached base image $base on this machine; a first run (the base, then the dependency layers) takes about 12 minutes on 2 loaded cores, too long for CI: run sudo scripts/image/check.sh once on this machine"
  [ "$(cat "$cache/layers.key" 2>/dev/null)" = "$layers_key" ] && podman image exists "$stage_tag-deps" && podman image exists "$stage_tag-build" \
    || skip "the Dockerfile or an npm manifest changed since the last run that passed (or its cached stages were removed), so both npm ci layers would be built again (up to 20 minutes on 2 loaded cores): run sudo scripts/image/check.sh once on this machine"
fi
if [ "${LEDGERLINE_REBUILD_BASE:-0}" = 1 ] || ! podman image exists "$base"; then
  command -v debootstrap >/dev/null 2>&1 || { echo "image-check: debootstrap is needed to make the base image" >&2; exit 1; }
  if [ ! -x "$cache/rootfs/bin/sh" ]; then
    echo "image-check: debootstrap (Debian bookworm, minbase with a compiler for better-sqlite3) into $cache/rootfs"
    rm -rf "$cache/rootfs.partial"
    debootstrap --variant=minbase --include=ca-certificates,python3,make,g++ bookworm "$cache/rootfs.partial" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$cache/debootstrap.log"
    mv "$cache/rootfs.partial" "$cache/rootfs"
  fi
  node_bin="$(readlink -f "$(command -v node)")"
  node_prefix="$(dirname "$(dirname "$node_bin")")"
  [ -d "$node_prefix/include/node" ] || { echo "image-check: no Node headers next to $node_bin (needed to compile better-sqlite3)" >&2; exit 1; }
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  echo "image-check: base image $base: Node $("$node_bin" --version) from $node_bin, npm $(npm --version) from $npm_dir"
  install -D -m 0755 "$node_bin" "$cache/rootfs/usr/local/bin/node"
  rm -rf "$cache/rootfs/usr/local/include/node" "$cache/rootfs/usr/local/lib/node_modules/npm"
  mkdir -p "$cache/rootfs/usr/local/include" "$cache/rootfs/usr/local/lib/node_modules"
  cp -a "$node_prefix/include/node" "$cache/rootfs/usr/local/include/node"
  cp -a "$npm_dir" "$cache/rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$cache/rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$cache/rootfs/usr/local/bin/npx"
  # This machine's certificate authorities (a proxy in front of the npm registry may sign with its own).
  cp /etc/ssl/certs/ca-certificates.crt "$cache/rootfs/etc/ssl/certs/ca-certificates.crt"
  tar -C "$cache/rootfs" -c . | podman import \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV npm_config_nodedir=/usr/local' \
    --change 'CMD ["node"]' - "$base" >/dev/null
fi

# --- 2. the image, from the Dockerfile ------------------------------------------------------------------------
# Docker's image format: the OCI format has no HEALTHCHECK. Layers are cached: with unchanged manifests only
# the TypeScript build runs again, and npm's download cache is kept between builds (a cache mount).
previous="$(podman image inspect "$image" --format '{{.Id}}' 2>/dev/null || true)"
echo "image-check: podman build --isolation=chroot --format docker --build-arg NODE_IMAGE=$base ($(elapsed))"
podman build --isolation=chroot --format docker --layers --build-arg "NODE_IMAGE=$base" -t "$image" -f Dockerfile . >"$cache/build.log" 2>&1 || {
  tail -n 40 "$cache/build.log" >&2
  echo "image-check: the build failed (whole log: $cache/build.log)" >&2
  exit 1
}
current="$(podman image inspect "$image" --format '{{.Id}}')"
# The dependency stages are tagged (answered from the cache in seconds), so that `podman image prune` keeps
# them: untagged, they are pruned, and the next build runs both npm ci again.
for stage in deps build; do
  podman build --isolation=chroot --format docker --layers --build-arg "NODE_IMAGE=$base" --target "$stage" -t "$stage_tag-$stage" -f Dockerfile . >>"$cache/build.log" 2>&1 \
    || { echo "image-check: tagging the $stage stage failed (log: $cache/build.log)" >&2; exit 1; }
done
# The image this build replaced, unless something else still uses it.
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then podman rmi "$previous" >/dev/null 2>&1 || true; fi
# The image's configuration, with its HEALTHCHECK (podman shows that beside Config, not in it).
podman image inspect "$image" | python3 -c 'import json,sys; i=json.load(sys.stdin)[0]; c=i["Config"]; c["Healthcheck"]=i.get("Healthcheck") or c.get("Healthcheck"); json.dump(c, sys.stdout)' >"$cache/config.json"
echo "image-check: built $image ($(podman image inspect "$image" --format '{{.Size}}') bytes) in $(elapsed)"
# What the Dockerfile promises, read from the image's own configuration.
python3 - "$cache/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
problems = []
user = (c.get("User") or "0").split(":")[0]
if user in ("", "0", "root"): problems.append(f"runs as root (User={c.get('User')!r})")
hc = (c.get("Healthcheck") or {}).get("Test") or []
if not any("/readyz" in part for part in hc): problems.append(f"no HEALTHCHECK on /readyz ({hc!r})")
if c.get("StopSignal") not in (None, "SIGTERM", "15"): problems.append(f"stop signal {c.get('StopSignal')}")
cmd = (c.get("Entrypoint") or []) + (c.get("Cmd") or [])
if not cmd or cmd[0] in ("sh", "/bin/sh", "npm"): problems.append(f"Node is not PID 1: {cmd!r}")
if problems:
    print("image-check: the image configuration: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"image-check: image configuration: user {c['User']}, HEALTHCHECK {hc[0]} on /readyz, command {' '.join(cmd)}")
PY

# --- 3. its entrypoint, in a chroot, driven end to end ------------------------------------------------------
container="$(buildah from "$image")"
mnt="$(buildah mount "$container")"
mounted=()
cleanup() {
  for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || true; done
  buildah umount "$container" >/dev/null 2>&1 || true
  buildah rm "$container" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# Production dependencies only, and none of the development-only code.
leftovers=()
for dev in node_modules/typescript node_modules/jest node_modules/tsx node_modules/@swc node_modules/@ledgerline/emulators middleware/emulators middleware/dist/emulators middleware/dist/demo middleware/src; do
  [ ! -e "$mnt/app/$dev" ] || leftovers+=("/app/$dev")
done
if [ ${#leftovers[@]} -gt 0 ]; then
  echo "image-check: the image holds development-only files: ${leftovers[*]}" >&2
  exit 1
fi
echo "image-check: no development dependencies, emulators or sources in /app ($(du -sm "$mnt/app/node_modules" | cut -f1) MB of production node_modules)"
mkdir -p "$mnt/proc" "$mnt/dev"
if mount -t proc proc "$mnt/proc" 2>/dev/null; then mounted+=("$mnt/proc"); else echo "image-check: could not mount /proc in the chroot; going on without it"; fi
if mount --bind /dev "$mnt/dev" 2>/dev/null; then mounted+=("$mnt/dev"); else echo "image-check: could not bind /dev in the chroot; going on without it"; fi
cd middleware
# At most 15 minutes: a check that hangs must not hold CI.
IMAGE_CHECK_HEALTHCHECK="$root/scripts/image/chroot-entrypoint.sh $mnt $cache/config.json healthcheck" IMAGE_CHECK_NON_ROOT=1 \
  timeout --kill-after=10 900 npx tsx ../scripts/image/drive.ts -- "$root/scripts/image/chroot-entrypoint.sh" "$mnt" "$cache/config.json"
echo "$layers_key" >"$cache/layers.key"
echo "image-check: finished in $(elapsed)"
