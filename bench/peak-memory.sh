#!/usr/bin/env bash
# Peak resident memory (the kernel's VmHWM of the whole process, read by GNU time) of one training run of a GPT-2
# shape: Sentinel's `bench train` and the two eager PyTorch peers of compare-train.sh, alternating round by round in
# the environment compare-train.sh gives them (bench/lib.sh). Each run does the same warm-up and timed steps; the
# figure covers everything the process held at its peak: the runtime (JVM or Python with torch), weights,
# gradients, AdamW's moments, activations and temporaries. Sentinel's run also measures the matmul peak (two
# 2048² arrays, 32 MB).
#
# Needs: apt-get install -y python3-torch libopenblas0-pthread time (bench/install-peer.sh)
# Usage: bench/peak-memory.sh [--rounds 3] [--shape distilgpt2] [--batch-size 4] [--seq-len 128] [--steps 3]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rounds=3 shape=distilgpt2 batch=4 seq=128 steps=3
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "peak-memory: $1 needs a value" >&2; exit 2; }
  case "$1" in
    --rounds) rounds=$2 ;; --shape) shape=$2 ;; --batch-size) batch=$2 ;; --seq-len) seq=$2 ;; --steps) steps=$2 ;;
    *) echo "peak-memory: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
[ -x /usr/bin/time ] || { echo "peak-memory: needs GNU time: apt-get install -y time" >&2; exit 2; }
threads=${THREADS:-2}
python=${PYTHON:-/usr/bin/python3}
bench_env peak-memory
bench_header
./sentinel --version >/dev/null # build the jar first
train=(--shape "$shape" --vocab 50257 --batch-size "$batch" --seq-len "$seq" --warmup-steps 1 --steps "$steps")
peak_mb() { # COMMAND...: runs it, prints its peak resident memory in MB
  local f
  f=$(mktemp)
  /usr/bin/time -f %M -o "$f" "$@" >/dev/null
  echo $(($(cat "$f") / 1024))
  rm -f "$f"
}
declare -A peaks
for round in $(seq 1 "$rounds"); do
  s=$(peak_mb java -Dai.djl.offline=true -Xss4m -jar target/sentinel.jar bench train "${train[@]}")
  r=$(peak_mb "$python" bench/pytorch_reference.py --threads "$threads" --foreach "${train[@]}")
  n=$(peak_mb "$python" bench/pytorch_nanogpt_peer.py --threads "$threads" --foreach "${train[@]}")
  echo "round $round: peak resident MB: sentinel $s, reference $r, nanogpt $n"
  peaks[sentinel]+="$s " peaks[reference]+="$r " peaks[nanogpt]+="$n "
done
"$python" - "${peaks[sentinel]}" "${peaks[reference]}" "${peaks[nanogpt]}" <<'PY'
import statistics, sys
s, r, n = ([int(x) for x in a.split()] for a in sys.argv[1:])
for name, peer in (("reference", r), ("nanogpt", n)):
    print(f"peak resident memory: Sentinel {statistics.median(s)} MB, {name} {statistics.median(peer)} MB,"
          f" ratio {statistics.median(s) / statistics.median(peer):.2f}")
PY
