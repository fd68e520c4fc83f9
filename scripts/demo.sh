#!/usr/bin/env bash
# The main job on its embedded default: builds mlc, compiles a bundled model
# and trains it on bundled data on CPU, printing loss and throughput.
#   scripts/demo.sh          # digits classifier (Adam), then held-out accuracy
#   scripts/demo.sh mlp      # the 2-layer MLP regression (SGD, 100k steps)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MLC_BUILD_DIR:-$root/build}"
mkdir -p "$build"
log="$build/demo-build.log"
echo "building mlc (log: $log)..."
"$root/scripts/build.sh" > "$log" 2>&1 || { cat "$log"; exit 1; }
bin="$build/bin"
out="$build/demo"
mkdir -p "$out"
case "${1:-digits}" in
  digits)
    "$bin/mlc" compile "$root/models/digits_mlp.mlir" --train adamw,lr=3e-3,weight-decay=0.1 -o "$out/digits.mlcx"
    "$bin/mlc-run" "$out/digits.mlcx" --data "$root/data/digits_train.safetensors" \
      --steps 3000 --log-every 300 --eval-data "$root/data/digits_test.safetensors" \
      --metrics "$out/digits.metrics.jsonl" --save "$out/digits.ckpt.safetensors"
    ;;
  mlp)
    "$bin/mlc" compile "$root/models/mlp.mlir" --train sgd,lr=0.1 -o "$out/mlp.mlcx"
    "$bin/mlc-run" "$out/mlp.mlcx" --data "$root/data/regression.safetensors" \
      --steps 100000 --sample replacement --log-every 10000 \
      --eval-data "$root/data/regression.safetensors" \
      --metrics "$out/mlp.metrics.jsonl"
    ;;
  *)
    echo "usage: $0 [digits|mlp]" >&2
    exit 2
    ;;
esac
echo "metrics: $out"
