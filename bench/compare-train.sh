#!/usr/bin/env bash
# Sentinel against two independent eager PyTorch GPT-2 peers on one GPT-2 shape: training steps (forward, mean
# cross-entropy, backward, clipping at 1.0, AdamW), contenders alternating round by round in one run (the order turning
# by one each round: S R N, R N S, N S R, ...) so that a noisy shared machine slows all alike. Prints every round and, per
# peer, the median ratio (Sentinel tokens/s / peer tokens/s, same round) with its min–max over the rounds.
#
# The peers: `reference` is bench/pytorch_reference.py (our own GPT-2 written from the maths, tanh GELU composed
# as Sentinel's); `nanogpt` is bench/pytorch_nanogpt_peer.py (nanoGPT's structure: fused c_attn, nn.GELU, tied
# lm_head; exact-erf GELU unless --nanogpt-gelu tanh). All contenders get the same environment (bench/lib.sh says
# which variables and why, with measurements): THREADS threads (default 2) for OpenMP, MKL and OpenBLAS,
# OMP_WAIT_POLICY=PASSIVE, OpenBLAS's own CPU detection (OPENBLAS_CORETYPE removed; PEER_OPENBLAS_CORETYPE forces one).
# Both peers use torch's multi-tensor AdamW (`--foreach`; `--peer-foreach 0` for the per-parameter loop the field's
# scripts get by default on CPU): 15% faster over the DistilGPT-2 shape's parameters (378-397 vs 455-459 ms).
#
# Needs: apt-get install -y python3-torch libopenblas0-pthread (bench/install-peer.sh)
# Usage: bench/compare-train.sh [--rounds 3] [--shape nano|distilgpt2|gpt2] [--vocab 50257] [--batch-size 4]
#          [--seq-len 128] [--warmup-steps 2] [--steps 5] [--nanogpt-gelu erf|tanh] [--peer-foreach 1|0]
#          [--out FILE.jsonl]
#        ENGINES="djl openblas" runs Sentinel once per engine in each round (bench/lib.sh, bench_sentinel_engines).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rounds=3 shape=distilgpt2 vocab=50257 batch=4 seq=128 warmup=2 steps=5 gelu=erf foreach=1 out=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "compare-train: $1 needs a value" >&2; exit 2; }
  case "$1" in
    --rounds) rounds=$2 ;; --shape) shape=$2 ;; --vocab) vocab=$2 ;; --batch-size) batch=$2 ;;
    --seq-len) seq=$2 ;; --warmup-steps) warmup=$2 ;; --steps) steps=$2 ;; --nanogpt-gelu) gelu=$2 ;;
    --peer-foreach) foreach=$2 ;; --out) out=$2 ;;
    *) echo "compare-train: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
peer_opts=()
[ "$foreach" = 1 ] && peer_opts+=(--foreach)
case "$shape" in nano|distilgpt2|gpt2) ;; *) echo "compare-train: --shape is nano, distilgpt2 or gpt2" >&2; exit 2 ;; esac
threads=${THREADS:-2}
python=${PYTHON:-/usr/bin/python3}
bench_env compare-train
out=${out:-$(mktemp /tmp/compare-train.XXXXXX.jsonl)}
: >"$out"
bench_header
echo "rounds $rounds, shape $shape, vocabulary $vocab, batch $batch × $seq, $warmup warm-up + $steps timed steps;" \
  "nanoGPT peer's GELU: $gelu; peers' AdamW foreach: $foreach; results in $out"

./sentinel --version >/dev/null # build the jar first, outside the timed runs
train=(--shape "$shape" --vocab "$vocab" --batch-size "$batch" --seq-len "$seq" --warmup-steps "$warmup" --steps "$steps")
contend() {
  case "$2" in
    sentinel*) bench_record train "$1" "${2%%:*}" env SENTINEL_ENGINE="${2#*:}" ./sentinel bench train --json \
      "${train[@]}" ;;
    reference) bench_record train "$1" reference "$python" bench/pytorch_reference.py --threads "$threads" "${peer_opts[@]}" \
      "${train[@]}" ;;
    nanogpt) bench_record train "$1" nanogpt "$python" bench/pytorch_nanogpt_peer.py --threads "$threads" \
      --gelu "$gelu" "${peer_opts[@]}" "${train[@]}" ;;
  esac
}
# The order turns by one each round (S R N, R N S, N S R, ...), so no contender always follows the same one.
order=($(bench_sentinel_engines) reference nanogpt)
n=${#order[@]}
for round in $(seq 1 "$rounds"); do
  for i in $(seq 0 $((n - 1))); do
    contend "$round" "${order[$(((round - 1 + i) % n))]}"
  done
done
bench_summary "$out"
