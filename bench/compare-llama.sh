#!/usr/bin/env bash
# Sentinel against the eager PyTorch Llama peer (bench/pytorch_llama_reference.py) on one Llama shape: training
# steps and cached greedy generation, contenders alternating round by round in one run (sentinel, pytorch,
# sentinel, pytorch, ...) so that a noisy shared machine slows both alike. Prints every round and, per benchmark,
# the median ratio (Sentinel tokens/s / PyTorch tokens/s, same round) with its min–max over the rounds.
#
# Both contenders get the same environment (bench/lib.sh, shared with compare-train.sh, says which variables and why,
# with measurements): THREADS threads (default 2) for OpenMP, MKL and OpenBLAS, and OMP_WAIT_POLICY=PASSIVE. Both
# libtorch (Sentinel's, through DJL) and Debian's torch run an OpenMP pool whose idle threads spin by default; on a
# machine shared with other work that spinning starves the busy threads (measured here for Sentinel's llama-nano
# generation: 6 vs 245 tokens/s; see bench/RESULTS.md). OpenBLAS keeps its own CPU detection (SkylakeX kernels on
# this machine); an inherited OPENBLAS_CORETYPE is removed, PEER_OPENBLAS_CORETYPE forces one.
#
# Needs: apt-get install -y python3-torch libopenblas0-pthread (bench/install-peer.sh)
# Usage: bench/compare-llama.sh [--rounds 3] [--shape smollm2-135m] [--vocab 49152] [--batch-size 4] [--seq-len 128]
#          [--warmup-steps 2] [--steps 3] [--gen-batch-sizes "1 8"] [--prompt-len 16] [--new-tokens 32]
#          [--repeats 3] [--only train|generate] [--out FILE.jsonl]
#        ENGINES="djl openblas" runs Sentinel once per engine in each round (bench/lib.sh, bench_sentinel_engines).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rounds=3 shape=smollm2-135m vocab=49152 batch=4 seq=128 warmup=2 steps=3 gen_batches="1 8" prompt=16 new=32 \
  repeats=3 only="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2 ;; --shape) shape=$2 ;; --vocab) vocab=$2 ;; --batch-size) batch=$2 ;;
    --seq-len) seq=$2 ;; --warmup-steps) warmup=$2 ;; --steps) steps=$2 ;; --gen-batch-sizes) gen_batches=$2 ;;
    --prompt-len) prompt=$2 ;; --new-tokens) new=$2 ;; --repeats) repeats=$2 ;; --only) only=$2 ;;
    --out) out=$2 ;;
    *) echo "compare-llama: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
threads=${THREADS:-2}
python=${PYTHON:-/usr/bin/python3}
bench_env compare-llama
out=${out:-$(mktemp /tmp/compare-llama.XXXXXX.jsonl)}
: >"$out"
bench_header
echo "rounds $rounds, shape $shape, vocabulary $vocab; results in $out"

./sentinel --version >/dev/null # build the jar first, outside the timed runs
for round in $(seq 1 "$rounds"); do
  if [ "$only" != generate ]; then
    train=(--shape "$shape" --vocab "$vocab" --batch-size "$batch" --seq-len "$seq" --warmup-steps "$warmup" --steps "$steps")
    for c in $(bench_sentinel_engines); do
      bench_record train "$round" "${c%%:*}" env SENTINEL_ENGINE="${c#*:}" ./sentinel bench train --json "${train[@]}"
    done
    bench_record train "$round" pytorch "$python" bench/pytorch_llama_reference.py train --threads "$threads" "${train[@]}"
  fi
  if [ "$only" != train ]; then
    for b in $gen_batches; do
      gen=(--shape "$shape" --vocab "$vocab" --batch-size "$b" --prompt-len "$prompt" --new-tokens "$new" --repeats "$repeats")
      for c in $(bench_sentinel_engines); do
        bench_record "generate-b$b" "$round" "${c%%:*}" env SENTINEL_ENGINE="${c#*:}" ./sentinel bench generate \
          --json "${gen[@]}"
      done
      bench_record "generate-b$b" "$round" pytorch "$python" bench/pytorch_llama_reference.py generate --threads "$threads" "${gen[@]}"
    done
  fi
done

bench_summary "$out"
