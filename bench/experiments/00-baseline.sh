#!/usr/bin/env bash
# The shared baseline: the nano preset (4 layers × 4 heads, width 128, byte-level) trained from scratch on tiny
# Shakespeare until its validation loss flattens, its training curve, and the entropy heat map of its heads.
# Writes bench/results/baseline/ (the model folder itself is not committed). About 8 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/results/baseline
./sentinel train -m nano --dataset tiny_shakespeare --steps 3000 --batch-size 16 --seq-len 128 \
  --lr 3e-3 --warmup-steps 100 --eval-every 250 --eval-batches 40 --checkpoint-every 1000 --seed 42 --out "$out"
./sentinel experiment curve --metrics "$out/metrics.jsonl" -o "$out/training_curve.png"
./sentinel heads -m "$out/model" --dataset tiny_shakespeare --metric-batches 16 -o "$out/heads" \
  > "$out/heads.txt"
./sentinel eval -m "$out/model" --dataset tiny_shakespeare | tee "$out/eval.txt"
