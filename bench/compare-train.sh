#!/usr/bin/env bash
# Runs `sentinel bench train` and the eager PyTorch peer on the same shape, threads and machine, in one go, and
# prints the ratio of tokens/s (Sentinel / PyTorch; above 1.0 means Sentinel is faster).
# Needs: apt-get install -y python3-torch libopenblas0-pthread
# Usage: bench/compare-train.sh [--shape distilgpt2] [--batch-size 4] [--seq-len 128] [--steps 5]
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
threads=${THREADS:-2}
python=${PYTHON:-/usr/bin/python3}
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "compare-train: $python cannot import torch; install it with: apt-get install -y python3-torch libopenblas0-pthread" >&2
  exit 2
fi
export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads
# OpenBLAS picks a slow generic kernel on virtual CPUs named only "Intel(R) Xeon(R) Processor" (measured here: 60 vs
# 272 GFLOP/s for a 2048² matmul on 2 threads). Give the peer its best kernel so the ratio is fair.
# An OPENBLAS_CORETYPE inherited from the environment is not trusted: this machine's presets Haswell, which halves the
# peer's matmul rate (measured on 2 threads, 2048²: Haswell 111, SkylakeX 208 GFLOP/s). PEER_OPENBLAS_CORETYPE
# chooses another kernel explicitly.
if [ -n "${PEER_OPENBLAS_CORETYPE:-}" ]; then
  export OPENBLAS_CORETYPE=$PEER_OPENBLAS_CORETYPE
elif grep -q avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
echo "threads $threads, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto}, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
java_json=$(./sentinel bench train --json "${args[@]}" | tail -1)
torch_json=$("$python" bench/pytorch_reference.py --threads "$threads" "${args[@]}" | tail -1)
echo "sentinel: $java_json"
echo "pytorch:  $torch_json"
"$python" - "$java_json" "$torch_json" <<'PY'
import json, sys
j, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ratio (Sentinel tokens/s / PyTorch tokens/s): {j['tokens_per_second'] / t['tokens_per_second']:.2f}"
      f"  [{j['tokens_per_second']:.0f} vs {t['tokens_per_second']:.0f} tokens/s; MFU {100 * j['mfu']:.1f}%"
      f" of {j['peak_gflops']:.0f} GFLOP/s measured peak]")
PY
