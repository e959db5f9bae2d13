#!/usr/bin/env bash
# Claim 1: perplexity against the fraction of heads pruned (0 → 80%), for every pruning strategy, right after
# pruning and after 100 recovery steps (pruned heads frozen); random is the reference.
# Needs bench/results/baseline (00-baseline.sh). Writes bench/results/claim1/. About 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./sentinel experiment pruning-tolerance -m bench/results/baseline/model --dataset tiny_shakespeare \
  --fine-tune-steps "${FINE_TUNE_STEPS:-100}" --seed 42 \
  -o bench/results/claim1
