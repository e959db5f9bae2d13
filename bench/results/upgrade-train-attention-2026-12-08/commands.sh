#!/usr/bin/env bash
# What --train attention costs: a nano model trained 600 steps, then upgraded with each option, 3 seeds.
set -u
Q=OUT; rm -rf $Q; mkdir -p $Q
S=./sentinel
$S train -m nano --dataset tiny_shakespeare --steps 400 --seed 1 -o $Q/base > $Q/train.log 2>&1
for seed in 1 2 3; do
  for t in all attention; do
    $S upgrade -m $Q/base/model --dataset tiny_shakespeare --cycles 1 --training-steps 100 --seed $seed --train $t -o $Q/up-$t-$seed > $Q/up-$t-$seed.log 2>&1
    echo "$seed $t $(tail -2 $Q/up-$t-$seed.log | head -1)"
  done
done
echo finished
