#!/usr/bin/env bash
# Configures and builds mlc into build/ (or $MLC_BUILD_DIR) with ccache.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MLC_BUILD_DIR:-$root/build}"
# CMakeLists.txt sets up ccache (relative to the source root) when found.
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir
fi
cmake --build "$build" -j "$(nproc)"
