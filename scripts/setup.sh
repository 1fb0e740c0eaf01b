#!/usr/bin/env bash
# Idempotent setup for a fresh clone: Debian packages, npm dependencies, the
# BPF object, the native addon and the compiled TypeScript. Each step runs
# only when its output is missing or older than its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

# --- system packages -------------------------------------------------------
DEB_PKGS=(clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool pkg-config make g++ python3 stress linux-perf libbpf-tools chromium sqlite3 protobuf-compiler prometheus prometheus-node-exporter)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${DEB_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  for c in clang bpftool llvm-strip stress; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ -r /etc/debian_version ] && [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif [ -r /etc/debian_version ]; then
    say "missing packages: ${missing[*]}"
    say "run: sudo apt-get install -y ${DEB_PKGS[*]}"
    exit 1
  else
    say "this is not a Debian system; install the equivalents of: ${DEB_PKGS[*]}"
    say "(Fedora: sudo dnf install clang llvm libbpf-devel elfutils-libelf-devel zlib-devel bpftool stress perf chromium sqlite)"
    exit 1
  fi
fi

# --- npm dependencies ------------------------------------------------------
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- BPF object + native addon --------------------------------------------
addon=build/Release/lifeline.node
if [ ! -f "$addon" ] || [ ! -f build/Release/sqlite_pack.node ] || [ -n "$(find bpf native binding.gyp -newer "$addon" -not -path 'native/generated*' 2>/dev/null | head -n 1)" ]; then
  say "building the BPF programs, the native addon and the SQLite pack extension"
  bash scripts/build-bpf.sh
  npx --no-install node-gyp rebuild --silent >/dev/null
fi

# --- ground-truth workloads for tests, fixtures and the demo ---------------
mkdir -p build/workloads
for src in test/workloads/*.c; do
  bin=build/workloads/$(basename "$src" .c)
  if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
    cc -O2 -pthread -o "$bin" "$src"
  fi
done

# --- the TypeScript side of the event contract -----------------------------
# src/format/contract.generated.ts comes from bpf/lifeline.h (clang -E); it is
# rewritten only when its content changes, so tsc below stays incremental.
node scripts/gen-contract.mjs

# --- TypeScript ------------------------------------------------------------
# bin/lifeline.js runs dist/bundle/ (scripts/bundle.mjs), made from tsc's dist/ right after it.
stamp=dist/.built
if [ ! -f "$stamp" ] || [ ! -f dist/bundle/lifeline.js ] ||
  [ -n "$(find src package.json tsconfig.json tsconfig.build.json scripts/bundle.mjs -newer "$stamp" 2>/dev/null | head -n 1)" ]; then
  say "compiling TypeScript"
  rm -rf dist # no output of a deleted module may linger
  npx --no-install tsc -p tsconfig.build.json
  node scripts/bundle.mjs
  touch "$stamp"
fi
