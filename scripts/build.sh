#!/usr/bin/env bash
# Configures and builds mlc into build/ (or $MLC_BUILD_DIR) with ccache.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MLC_BUILD_DIR:-$root/build}"
# ccache keys on paths relative to the source root, so that a fresh clone
# elsewhere (as CI makes) still hits the cache.
export CCACHE_BASEDIR="$root"
export CCACHE_NOHASHDIR=1
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
cmake --build "$build" -j "$(nproc)"
