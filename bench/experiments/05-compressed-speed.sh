#!/usr/bin/env bash
# Compressed pruning's speed: forward tokens/s of the DistilGPT-2 shape with 0, 25% and 50% of its heads physically
# removed, at batch 1 and 16, the models alternating step by step in one process. Writes
# bench/results/compressed-speed.txt. About 5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p bench/results
for fraction in 0.25 0.5; do
  for batch in 1 16; do
    ./sentinel bench prune --shape distilgpt2 --fraction "$fraction" --batch-size "$batch" --steps 10
  done
done | tee bench/results/compressed-speed.txt
