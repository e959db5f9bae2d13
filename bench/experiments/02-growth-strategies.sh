#!/usr/bin/env bash
# Claim 2: prune 30% of the heads (entropy), grow back a third with each growth strategy, learn 200 steps; perplexity
# recovery against random over 3 seeds, with two controls (no growth; no pruning, same learning).
# Needs bench/results/baseline (00-baseline.sh). Writes bench/results/claim2/. About 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./sentinel experiment growth-comparison -m bench/results/baseline/model --dataset tiny_shakespeare \
  --prune-fraction 0.3 --growth-ratio 0.33 \
  --learning-steps "${LEARNING_STEPS:-200}" --lr 3e-4 --warmup-steps 20 --seeds 1,2,3 \
  -o bench/results/claim2
