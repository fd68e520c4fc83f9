#!/usr/bin/env bash
# Builds mlc and runs every test: lit suites, unit tests, gradient and
# optimizer checks against references, end-to-end training, the fuzzer.
# Each lit file and each unit test is its own ctest test.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MLC_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
