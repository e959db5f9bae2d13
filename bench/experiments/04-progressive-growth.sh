#!/usr/bin/env bash
# Claim 4: a byte-level model of 4 layers × 10 heads (width 160) trained from scratch on tiny Shakespeare three ways
# for the same steps and batches: progressive growth from 10% of the heads (uniform, one per layer) toward 70%
# (gradient sensitivity, one growth event every 50 steps over the first 60% of the run); the shape it ends with,
# masked from the start; and the full model. Writes bench/results/claim4/. About 25 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./sentinel experiment progressive-growth -m nano --n-head 10 --n-embd 160 --dataset tiny_shakespeare \
  --steps "${STEPS:-1500}" --start-active 0.1 --target-active 0.7 \
  --grow-every 50 --grow-until 0.6 --growth-strategy gradient_sensitivity --eval-every 100 --seed 42 \
  -o bench/results/claim4
