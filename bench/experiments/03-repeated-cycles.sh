#!/usr/bin/env bash
# Claim 3: 5 plasticity cycles per seed (prune 30% by entropy, grow back a third by gradient sensitivity, learn 200
# steps), perplexity and active heads after each, next to a control that learns the same steps with nothing pruned.
# GROWTH_RATIO=1 OUT=bench/results/claim3-regrow-all grows back as many heads as each cycle pruned.
# Needs bench/results/baseline (00-baseline.sh). Writes bench/results/claim3/. About 15 minutes on 2 cores (each variant).
set -euo pipefail
cd "$(dirname "$0")/../.."
ratio="${GROWTH_RATIO:-0.33}"
out="${OUT:-bench/results/claim3}"
./sentinel experiment repeated-cycles -m bench/results/baseline/model --dataset tiny_shakespeare \
  --cycles 5 --prune-fraction 0.3 --growth-ratio "$ratio" \
  --growth-strategy gradient_sensitivity --learning-steps "${LEARNING_STEPS:-200}" --lr 3e-4 --warmup-steps 20 \
  --seeds 1,2,3 -o "$out"
