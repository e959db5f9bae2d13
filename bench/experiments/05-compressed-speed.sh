#!/usr/bin/env bash
# Compressed pruning's speed: forward and cached-generation tokens/s of the baseline's shape (nano, byte vocabulary)
# and of the DistilGPT-2 shape with 0, 25% and 50% of their heads physically removed, at batch 1 and 16, the full and
# the pruned model alternating step by step in one process (nano: 100 timed forward steps and 20 timed generations
# of 32 tokens; DistilGPT-2: 25 and 5). Writes bench/results/compressed-speed.txt.
# About 8 minutes on 2 cores; run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p bench/results
for shape in nano:256:100 distilgpt2:50257:25; do
  for fraction in 0.25 0.5; do
    for batch in 1 16; do
      IFS=: read -r name vocab steps <<<"$shape"
      ./sentinel bench prune --shape "$name" --vocab "$vocab" --fraction "$fraction" \
        --batch-size "$batch" --steps "${STEPS:-$steps}" --new-tokens 32
    done
  done
done | tee bench/results/compressed-speed.txt
