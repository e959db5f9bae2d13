#!/usr/bin/env bash
# Grouped-query pruning's speed on the SmolLM2-135M shape (30 layers, 9 query heads in 3 key/value groups, width
# 576, vocabulary 49,152, random weights): forward (batch × 128 tokens) and cached greedy generation (16-token prompt,
# 32 new tokens) tokens/s of the full model and of the same model with query heads physically removed, balanced (the
# same number from every group of every layer, every group kept: the Minitron shape hf-compact writes as a standard
# config), at batch 1 and 16. The two models alternate round by round in one process (which goes first alternates);
# each rate is the median over the rounds with the slowest and fastest round, next to the model FLOPs per token.
# 25% and 50% are not expressible with 3 query heads per group: the nearest balanced shapes are 1 of 3 (33%) and
# 2 of 3 (67%) per group. Writes bench/results/gqa-prune-rounds-<date>/bench-prune.txt.
# About 10 minutes on 2 idle cores; run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_WAIT_POLICY=PASSIVE
out="bench/results/gqa-prune-rounds-$(date +%F)"
mkdir -p "$out"
for fraction in 0.34 0.67; do
  for batch in 1 16; do
    ./sentinel bench prune --shape smollm2-135m --vocab 49152 --gqa-policy balanced --fraction "$fraction" \
      --batch-size "$batch" --steps "${STEPS:-10}" --new-tokens 32
  done
done | tee "$out/bench-prune.txt"
