#!/usr/bin/env bash
# Issue 12: do U-Net skips help a pruned model regrow? (a) The claim-2 setup per arm — no skips, mirror skips, and
# the capacity control (the same fusion reading the block's own state: same parameters, same compute, no long-range
# connection) — attached to the baseline and trained 100 steps, then prune 30% by entropy, grow back a third by
# gradient sensitivity with function_preserving, copy or skip_transfer, learn 200 steps; plus a no-pruning control;
# with the attention divergence of regrown heads; 3 seeds; on tiny Shakespeare and again on europarl-en.
# (b) Progressive growth from 90% pruned (nano, 4 layers × 10 heads) with no skips, mirror skips and the self
# control, 400 steps, 3 seeds.
# Needs bench/results/baseline/model (00-baseline.sh); trains bench/results/baseline-europarl if missing (~8 min).
# Writes bench/results/unet/. About 80 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} # idle libtorch threads must not spin on a shared machine
sentinel=${SENTINEL:-./sentinel}
out=bench/results/unet
seeds=${SEEDS:-1,2,3}
growth() { # dataset baseline-model output arms
  $sentinel experiment unet-growth -m "$2" --dataset "$1" --prune-fraction 0.3 --growth-ratio 0.33 \
    --skip-steps 100 --learning-steps 200 --lr 3e-4 --warmup-steps 20 --seeds "$seeds" \
    --arms "$4" -o "$3"
}
growth tiny_shakespeare bench/results/baseline/model "$out/shakespeare" \
  none/function_preserving,none/copy,unet/function_preserving,unet/copy,unet/skip_transfer,self/function_preserving,no_pruning
if [ ! -d bench/results/baseline-europarl/model ]; then
  $sentinel train -m nano --dataset europarl-en --steps 3000 --batch-size 16 --seq-len 128 --lr 3e-3 \
    --warmup-steps 100 --eval-every 500 --eval-batches 40 --checkpoint-every 1000 --seed 42 \
    --out bench/results/baseline-europarl
fi
growth europarl-en bench/results/baseline-europarl/model "$out/europarl" \
  none/function_preserving,unet/function_preserving,unet/skip_transfer,self/function_preserving,no_pruning
for seed in ${seeds//,/ }; do
  for arm in none unet self; do
    case $arm in
      none) skips=() ;;
      unet) skips=(--unet) ;;
      self) skips=(--unet --unet-source self) ;;
    esac
    $sentinel train -m nano --n-head 10 --n-embd 160 --dataset tiny_shakespeare --steps 400 --batch-size 16 \
      --seq-len 128 --lr 3e-3 --warmup-steps 50 --eval-every 100 --eval-batches 20 --seed "$seed" \
      --progressive --start-active 0.1 --target-active 0.7 --grow-every 20 --grow-until 0.6 \
      --growth-strategy gradient_sensitivity "${skips[@]}" --out "$out/progressive/$arm-seed$seed"
  done
done
# the progressive runs' final validation loss per arm and seed
for run in "$out"/progressive/*-seed*; do
  printf '%s %s\n' "$(basename "$run")" "$(grep '"event":"eval"' "$run/metrics.jsonl" | tail -1)"
done | tee "$out/progressive/final_eval.txt"
