#!/usr/bin/env bash
# Builds the middleware image from ./Dockerfile and runs its own entrypoint against PostgreSQL and the local
# emulators: connect QuickBooks, close a deal, see the invoice, scrape /metrics, SIGTERM. See
# scripts/image/README.md. Where podman or buildah is missing it says so and exits 0 (skipped).
#
#   sudo scripts/image/check.sh
#
# Registries cannot be reached from every machine, and containers cannot always be run (podman run fails on
# setrlimit in some sandboxes). So: the Node 22 base is made here (debootstrap + this machine's Node 22 and
# npm), passed as the Dockerfile's NODE_IMAGE; `podman build --isolation=chroot` builds; the image is mounted
# with buildah and its entrypoint started with chroot, which shares the host network (PostgreSQL and the
# emulators on 127.0.0.1 are reachable).
#
# LEDGERLINE_IMAGE_CACHE (default /var/tmp/ledgerline-image) keeps the base root filesystem between runs;
# LEDGERLINE_REBUILD_BASE=1 makes the base again; DEBIAN_MIRROR overrides deb.debian.org.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

missing=()
for tool in podman buildah; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "image-check: skipped: ${missing[*]} not installed (apt-get install podman buildah debootstrap)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "image-check: needs root (podman build --isolation=chroot, buildah mount and chroot); run it with sudo" >&2
  exit 1
fi

cache="${LEDGERLINE_IMAGE_CACHE:-/var/tmp/ledgerline-image}"
base="localhost/ledgerline-node22-base:local"
image="localhost/ledgerline-middleware:check"
mkdir -p "$cache"
# shellcheck source=../node22.sh
source scripts/node22.sh
source scripts/postgres-probe.sh >/dev/null
if [ -z "${LEDGERLINE_TEST_POSTGRES_URL:-}" ]; then
  echo "image-check: no PostgreSQL answers on 127.0.0.1:5432 (start it, or set LEDGERLINE_TEST_POSTGRES_URL)" >&2
  exit 1
fi

# --- 1. the Node 22 base ----------------------------------------------------------------------------------
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
echo "image-check: podman build --isolation=chroot --build-arg NODE_IMAGE=$base"
podman build --isolation=chroot --build-arg "NODE_IMAGE=$base" -t "$image" -f Dockerfile . >"$cache/build.log" 2>&1 || {
  tail -n 40 "$cache/build.log" >&2
  echo "image-check: the build failed (whole log: $cache/build.log)" >&2
  exit 1
}
podman image inspect "$image" --format '{{json .Config}}' >"$cache/config.json"
echo "image-check: built $image ($(podman image inspect "$image" --format '{{.Size}}') bytes); user $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("User"))' "$cache/config.json")"

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
for fs in proc dev; do
  mkdir -p "$mnt/$fs"
  if [ "$fs" = proc ]; then mount -t proc proc "$mnt/proc" 2>/dev/null && mounted+=("$mnt/proc") || echo "image-check: could not mount /proc in the chroot; going on without it"; fi
  if [ "$fs" = dev ]; then mount --bind /dev "$mnt/dev" 2>/dev/null && mounted+=("$mnt/dev") || echo "image-check: could not bind /dev in the chroot; going on without it"; fi
done
cd middleware
npx tsx ../scripts/image/drive.ts -- "$root/scripts/image/chroot-entrypoint.sh" "$mnt" "$cache/config.json"
