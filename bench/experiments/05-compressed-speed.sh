#!/usr/bin/env bash
# Compressed pruning's speed: forward and cached-generation tokens/s of the baseline's shape (nano, byte vocabulary)
# and of the DistilGPT-2 shape with 0, 25% and 50% of their heads physically removed, at batch 1 and 16, the full and
# the pruned model alternating step by step in one process (nano: 30 timed forward steps and 6 timed generations
# of 32 tokens; DistilGPT-2: 10 and 3). Writes bench/results/compressed-speed.txt.
# About 8 minutes on 2 cores; run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p bench/results
for shape in nano:256:30 distilgpt2:50257:10; do
  for fraction in 0.25 0.5; do
    for batch in 1 16; do
      IFS=: read -r name vocab steps <<<"$shape"
      ./sentinel bench prune --shape "$name" --vocab "$vocab" --fraction "$fraction" \
        --batch-size "$batch" --steps "${STEPS:-$steps}" --new-tokens 32
    done
  done
done | tee bench/results/compressed-speed.txt
