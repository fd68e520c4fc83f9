#!/usr/bin/env bash
# The main job on its embedded default: builds mlc, compiles a bundled model
# and trains it on bundled data on CPU, printing loss and throughput.
#   scripts/demo.sh          # a small GPT on Jane Austen's novels, then a sample
#   scripts/demo.sh digits   # digits classifier (Adam), then held-out accuracy
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
case "${1:-gpt}" in
  gpt)
    # Bytes of the corpus, the last 5% held out for validation.
    "$bin/mlc-data" tokenize "$root/data/austen.txt" -o "$out/austen_train.safetensors" \
      --val-fraction 0.05 --val-out "$out/austen_val.safetensors"
    "$bin/mlc" compile "$root/models/gpt-small.mlir" --eval-func forward_eval \
      --train adamw,lr=3e-3,warmup=30,decay-steps=300,clip=1.0 -o "$out/gpt.mlcx"
    "$bin/mlc-run" "$out/gpt.mlcx" --data "$out/austen_train.safetensors" \
      --steps 300 --log-every 25 --eval-data "$out/austen_val.safetensors" \
      --eval-every 100 --eval-batches 16 --metrics "$out/gpt.metrics.jsonl" \
      --save "$out/gpt.ckpt.safetensors"
    echo "sample (temperature 0.8, top-k 40):"
    "$bin/mlc-run" "$out/gpt.mlcx" --resume "$out/gpt.ckpt.safetensors" --generate \
      --prompt "It is a truth universally acknowledged" --max-new-tokens 200 \
      --temperature 0.8 --top-k 40 --seed 1
    echo
    ;;
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
    echo "usage: $0 [gpt|digits|mlp]" >&2
    exit 2
    ;;
esac
echo "metrics: $out"
