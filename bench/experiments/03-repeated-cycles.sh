#!/usr/bin/env bash
# Claim 3: 5 plasticity cycles per seed (prune 30% by entropy, grow back a third by gradient sensitivity, learn 200
# steps), perplexity and active heads after each, next to a control that learns the same steps with nothing pruned.
# Needs bench/results/baseline (00-baseline.sh). Writes bench/results/claim3/. About 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./sentinel experiment repeated-cycles -m bench/results/baseline/model --dataset tiny_shakespeare \
  --data-dir "${SENTINEL_DATA:-../shared/data}" --cycles 5 --prune-fraction 0.3 --growth-ratio 0.33 \
  --growth-strategy gradient_sensitivity --learning-steps "${LEARNING_STEPS:-200}" --lr 3e-4 --warmup-steps 20 \
  --seeds 1,2,3 -o bench/results/claim3
