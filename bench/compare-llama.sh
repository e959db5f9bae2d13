#!/usr/bin/env bash
# Sentinel against the eager PyTorch Llama peer (bench/pytorch_llama_reference.py) on one Llama shape: training
# steps and cached greedy generation, contenders alternating round by round in one run (sentinel, pytorch,
# sentinel, pytorch, ...) so that a noisy shared machine slows both alike. Prints every round and, per benchmark,
# the median ratio (Sentinel tokens/s / PyTorch tokens/s, same round) with its min–max over the rounds.
#
# Both contenders get the same environment: THREADS threads (default 2) for OpenMP, MKL and OpenBLAS, and
# OMP_WAIT_POLICY=PASSIVE. Both libtorch (Sentinel's, through DJL) and Debian's torch run an OpenMP pool whose idle
# threads spin by default; on a machine shared with other work that spinning starves the busy threads (measured here
# for Sentinel's llama-nano generation: 6 vs 245 tokens/s; see bench/RESULTS.md). OpenBLAS gets its SkylakeX
# kernel on AVX-512 machines (it misdetects this virtual CPU; see bench/RESULTS.md), whatever the environment presets.
#
# Needs: apt-get install -y python3-torch libopenblas0-pthread (bench/install-peer.sh)
# Usage: bench/compare-llama.sh [--rounds 3] [--shape smollm2-135m] [--vocab 49152] [--batch-size 4] [--seq-len 128]
#          [--warmup-steps 2] [--steps 3] [--gen-batch-sizes "1 8"] [--prompt-len 16] [--new-tokens 32]
#          [--repeats 3] [--only train|generate] [--out FILE.jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
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
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "compare-llama: $python cannot import torch; install it with: apt-get install -y python3-torch libopenblas0-pthread" >&2
  exit 2
fi
export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE
# An OPENBLAS_CORETYPE inherited from the environment is not trusted: this machine's presets Haswell, which halves the
# peer's matmul rate (measured on 2 threads, 2048²: Haswell 111, SkylakeX 208 GFLOP/s). PEER_OPENBLAS_CORETYPE
# chooses another kernel explicitly.
if [ -n "${PEER_OPENBLAS_CORETYPE:-}" ]; then
  export OPENBLAS_CORETYPE=$PEER_OPENBLAS_CORETYPE
elif grep -q avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
out=${out:-$(mktemp /tmp/compare-llama.XXXXXX.jsonl)}
: >"$out"
echo "threads $threads, OMP_WAIT_POLICY=$OMP_WAIT_POLICY, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto}," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs; torch $("$python" -c 'import torch; print(torch.__version__)')"
echo "rounds $rounds, shape $shape, vocabulary $vocab; results in $out"

# Runs one contender, tags its JSON line with the benchmark and round, and appends it to $out.
record() {
  local bench=$1 round=$2
  shift 2
  local line
  line=$("$@" | tail -1)
  "$python" -c 'import json, sys; d = json.loads(sys.argv[1]); d.update(bench=sys.argv[2], round=int(sys.argv[3]))
print(json.dumps(d))' "$line" "$bench" "$round" | tee -a "$out"
}

./sentinel --version >/dev/null # build the jar first, outside the timed runs
for round in $(seq 1 "$rounds"); do
  if [ "$only" != generate ]; then
    train=(--shape "$shape" --vocab "$vocab" --batch-size "$batch" --seq-len "$seq" --warmup-steps "$warmup" --steps "$steps")
    record train "$round" ./sentinel bench train --json "${train[@]}"
    record train "$round" "$python" bench/pytorch_llama_reference.py train --threads "$threads" "${train[@]}"
  fi
  if [ "$only" != train ]; then
    for b in $gen_batches; do
      gen=(--shape "$shape" --vocab "$vocab" --batch-size "$b" --prompt-len "$prompt" --new-tokens "$new" --repeats "$repeats")
      record "generate-b$b" "$round" ./sentinel bench generate --json "${gen[@]}"
      record "generate-b$b" "$round" "$python" bench/pytorch_llama_reference.py generate --threads "$threads" "${gen[@]}"
    done
  fi
done

"$python" - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for bench in dict.fromkeys(r["bench"] for r in rows):
    by_round = {}
    for r in rows:
        if r["bench"] == bench:
            by_round.setdefault(r["round"], {})["java" if r["impl"] == "sentinel-java" else "torch"] = r["tokens_per_second"]
    pairs = [v for _, v in sorted(by_round.items()) if "java" in v and "torch" in v]
    ratios = [v["java"] / v["torch"] for v in pairs]
    java, torch = [v["java"] for v in pairs], [v["torch"] for v in pairs]
    print(f"{bench}: ratio (Sentinel / PyTorch tokens/s) median {statistics.median(ratios):.2f}"
          f" (min {min(ratios):.2f}, max {max(ratios):.2f}, {len(ratios)} rounds: "
          + ", ".join(f"{x:.2f}" for x in ratios) + ")"
          f"; Sentinel {statistics.median(java):.1f} tokens/s ({min(java):.1f}–{max(java):.1f}),"
          f" PyTorch {statistics.median(torch):.1f} ({min(torch):.1f}–{max(torch):.1f})")
PY
