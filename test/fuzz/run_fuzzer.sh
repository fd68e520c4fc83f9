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
# Without the memory plan: every buffer its own slice, updates as copies.
"$bin/mlc" compile "$src/models/mlp.mlir" --train adam --plan-memory=false -o "$work/seeds/mlp_unplanned.mlcx"
"$bin/mlc" compile "$src/models/digits_mlp.mlir" --train adam,accumulate=2 -o "$work/seeds/digits_accumulate.mlcx"
# A tiny GPT-2: workspace reuse across entry points, KV caches in place.
"$bin/mlc" gen gpt2 --layers 1 --heads 2 --dim 8 --vocab 16 --context 8 --batch 2 --seq 8 --prefill 4 -o "$work/gpt2.mlir"
"$bin/mlc" compile "$work/gpt2.mlir" --train adamw -o "$work/seeds/gpt2.mlcx"
# Data parallelism: collective commands, one program for both ranks; the
# same file with a mesh of one rank runs its collectives on the loopback
# (compiled without fusion: mlcx-mutate's round trip through the object API
# drops empty vectors, and a scalar fused loop needs its empty shape).
"$bin/mlc" compile "$src/models/digits_mlp.mlir" --train adam --mesh dp=2 --bucket-mb 0.01 -o "$work/seeds/digits_dp2.mlcx"
"$bin/mlc" compile "$src/models/digits_mlp.mlir" --train adam --mesh dp=2 --bucket-mb 0.01 --no-fuse -o "$work/dp2_unfused.mlcx"
"$bin/mlcx-mutate" "$work/dp2_unfused.mlcx" "$work/seeds/digits_dp1.mlcx" mesh:0:size=1 rank_programs=none
# Sharded state: pieces of whole tensors (split rows, a padded flat chunk)
# and an all_slice, over a mesh of two ranks.
"$bin/mlc" compile "$src/test/e2e/Inputs/sharded-rows.mlir" --train adam -o "$work/seeds/sharded.mlcx"
# Crafted layouts the loader must refuse: live activations sharing bytes,
# a misaligned slice, a slice past its arena. Compiled op by op, so that
# the buffers named are single ops' results.
"$bin/mlc" compile "$src/models/mlp.mlir" --train sgd,lr=0.1,momentum=0.9 --no-fuse -o "$work/seeds/mlp_ops.mlcx"
"$bin/mlcx-mutate" "$work/seeds/mlp_ops.mlcx" "$work/seeds/overlap.mlcx" buffer:train_step.t7:offset=@train_step.t6
"$bin/mlcx-mutate" "$work/seeds/mlp.mlcx" "$work/seeds/misaligned.mlcx" buffer:w1:offset=32
"$bin/mlcx-mutate" "$work/seeds/mlp.mlcx" "$work/seeds/small-arena.mlcx" arena:0:size=64
cd "$work"
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 corpus seeds 2>&1 | tail -n 25
