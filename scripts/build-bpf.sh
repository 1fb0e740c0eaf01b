#!/usr/bin/env bash
# Build the BPF object and its libbpf skeleton into native/generated/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=native/generated
mkdir -p "$out"
arch=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
if [ ! -s "$out/vmlinux.h" ]; then
  bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$out/vmlinux.h.tmp"
  mv "$out/vmlinux.h.tmp" "$out/vmlinux.h"
fi
clang -g -O2 -Wall -target bpf -mcpu=v3 -D__TARGET_ARCH_"$arch" -I"$out" -Ibpf -c bpf/lifeline.bpf.c -o "$out/lifeline.bpf.o"
llvm-strip -g "$out/lifeline.bpf.o" 2>/dev/null || true
bpftool gen skeleton "$out/lifeline.bpf.o" name lifeline_bpf > "$out/lifeline.skel.h"
