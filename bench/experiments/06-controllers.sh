#!/usr/bin/env bash
# Issue 11: pruning during training against pruning once. From the shared baseline, five arms train the same steps
# on the same batches (per seed): the threshold controller and the learned-gate controller (pruning while they
# train), one-shot entropy and one-shot importance pruning (then the same fine-tuning), all ending with 50% of the
# heads active, and no pruning; 3 seeds. Then the same on europarl-en from a baseline trained there the same way.
# Needs bench/results/baseline (00-baseline.sh); trains bench/results/baseline-europarl if missing (~8 minutes).
# Writes bench/results/controllers/ and bench/results/controllers-europarl/. About 30 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} # idle libtorch threads must not spin on a shared machine
steps=${STEPS:-300}
if [ ! -d bench/results/baseline-europarl/model ]; then
  ./sentinel train -m nano --dataset europarl-en --steps 3000 --batch-size 16 --seq-len 128 --lr 3e-3 \
    --warmup-steps 100 --eval-every 500 --eval-batches 40 --checkpoint-every 1000 --seed 42 \
    --out bench/results/baseline-europarl
fi
compare() { # dataset baseline-folder output-folder
  ./sentinel experiment controller-comparison -m "$2/model" --dataset "$1" --steps "$steps" \
    --target-active 0.5 --check-fraction 0.3 --seeds 1,2,3 --lr 3e-4 --warmup-steps 20 --eval-batches 40 \
    --metric-batches 8 \
    --controller-interval 25 --controller-batches 2 --high-entropy-threshold q0.5 --grad-threshold q0.5 \
    --prune-rate-limit 0.25 --min-zero-intervals 2 \
    --controller-warmup-steps 20 --target-ramp-steps 150 --update-frequency 25 \
    -o "$3"
}
compare tiny_shakespeare bench/results/baseline bench/results/controllers
compare europarl-en bench/results/baseline-europarl bench/results/controllers-europarl
