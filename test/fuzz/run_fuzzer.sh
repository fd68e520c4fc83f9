#!/usr/bin/env bash
# Runs the executable-loader fuzzer for a bounded time, seeded with real
# executables compiled from the bundled models. Usage:
#   run_fuzzer.sh FUZZER BIN_DIR SOURCE_DIR WORK_DIR SECONDS
set -euo pipefail
fuzzer="$1" bin="$2" src="$3" work="$4" seconds="$5"
rm -rf "$work"
mkdir -p "$work/seeds" "$work/corpus"
"$bin/mlc" compile "$src/models/mlp.mlir" --train sgd,lr=0.1,momentum=0.9 -o "$work/seeds/mlp.mlcx"
"$bin/mlc" compile "$src/models/digits_mlp.mlir" --train adam -o "$work/seeds/digits.mlcx"
"$bin/mlc" compile "$src/models/digits_mlp.mlir" -o "$work/seeds/digits_eval.mlcx"
cd "$work"
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 corpus seeds 2>&1 | tail -n 25
