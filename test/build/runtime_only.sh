#!/usr/bin/env bash
# Configures, builds and tests the runtime alone (MLC_BUILD_COMPILER=OFF) in
# a fresh build folder, with find_package(MLIR) and find_package(LLVM)
# disabled, so that the runtime side cannot come to need them unnoticed.
# Usage: runtime_only.sh SOURCE_DIR WORK_DIR SETTINGS JOBS [CMAKE_ARGS...]
set -euo pipefail
src="$1" work="$2" settings="$3" jobs="$4"
shift 4

rm -rf "$work"
mkdir -p "$work"
# Runs a step with its output in $work/LOG; on failure shows its end (without
# the nested ctest summary, which is not this suite's) and stops.
step() {
  local log="$1"
  shift
  if ! "$@" > "$work/$log" 2>&1; then
    grep -v -E "tests passed|tests failed out of" "$work/$log" | tail -n 60
    echo "runtime-only: $* failed (log: $work/$log)"
    exit 1
  fi
}
step configure.log cmake -G Ninja -S "$src" -B "$work" -C "$settings" \
  -DMLC_BUILD_COMPILER=OFF -DCMAKE_DISABLE_FIND_PACKAGE_MLIR=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_LLVM=ON --no-warn-unused-cli "$@"
step build.log ninja -C "$work" -j "$jobs"
step ctest.log ctest --test-dir "$work" -j "$jobs" --no-tests=error \
  --output-on-failure
echo "runtime-only: configured without MLIR, built, and ran" \
  "$(grep -c "Test *#" "$work/ctest.log") tests without a failure"
