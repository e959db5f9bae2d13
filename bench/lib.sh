# Shared by bench/compare-train.sh and bench/compare-llama.sh (sourced, not run): one environment for every
# contender, contenders recorded round by round into a JSON-lines file, and the per-peer ratio summary.
#
# The environment (bench_env), and why each variable is set; measured 2026-12-02 on this project's 2-vCPU machine
# (AVX-512 "Intel(R) Xeon(R) Processor", Debian torch 1.13.1 with OpenBLAS 0.3.21 pthread), while another long job
# kept the load average at 5 on the 2 cores, so absolute rates are about half an idle machine's:
# - OMP_WAIT_POLICY=PASSIVE, for every contender. Debian's torch runs an OpenMP pool (element-wise kernels, oneDNN)
#   beside OpenBLAS's own pthread pool (matrix products). By default idle OpenMP threads spin, and on 2 cores they
#   take the CPU the OpenBLAS threads need: a loop of a 512x768 @ 768x3072 product followed by element-wise work ran
#   its products at 32-44 GFLOP/s by default and 89-101 GFLOP/s passive (two alternating runs each). libtorch 2.7
#   (Sentinel's) uses one OpenMP pool, and its idle threads spin as well, which matters when the machine is shared
#   (bench/RESULTS.md, Llama section); both sides get the same setting.
# - OMP_NUM_THREADS, MKL_NUM_THREADS, OPENBLAS_NUM_THREADS = THREADS (default 2, the core count). torch's
#   set_num_threads (the peers' --threads) sizes only the OpenMP pool: OpenBLAS's pool follows OPENBLAS_NUM_THREADS
#   (openblas_get_num_threads() reports 1 with OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(2)), so the
#   variable is what makes the peer's products use THREADS threads. MKL's is for Sentinel's libtorch, built with MKL.
#   (On the loaded machine 1 and 2 threads gave the same 2048^3 rate, 153-169 GFLOP/s: with another job on the
#   cores a second thread bought nothing, so the thread count itself could not be measured there.)
# - OPENBLAS_CORETYPE: not set; an inherited value is removed. OpenBLAS 0.3.21 (DYNAMIC_ARCH) detects this CPU and
#   picks its SkylakeX kernels by itself (openblas_get_corename() = "SkylakeX"); a 2048^3 product on 2 threads,
#   passive, best of 8, two runs each: unset 165 / 152 GFLOP/s, SkylakeX 159 / 164, Haswell 105 / 110. Forcing
#   SkylakeX gains nothing; an inherited Haswell costs a third. PEER_OPENBLAS_CORETYPE=NAME forces a kernel set.
# - ATEN_CPU_CAPABILITY: not set. Debian's torch dispatches its element-wise kernels at AVX2 on this AVX-512 CPU;
#   forcing avx512 was never slower for a composed tanh-GELU, the erf GELU and a softmax on 512x3072, but its gains
#   were within the default's own spread (default vs avx512, two pairs: 9.7 vs 8.8 and 14.5 vs 8.2 ms; 1.32 vs 1.30
#   and 1.89 vs 1.39 ms; 1.59 vs 1.54 and 1.77 vs 1.42 ms), and it is not how the peer is normally run.

# Exports the shared environment; needs $threads and $python set. Exits 2 when $python cannot import torch.
bench_env() {
  local me=$1
  if ! "$python" -c "import torch" 2>/dev/null; then
    echo "$me: $python cannot import torch; install it with: apt-get install -y python3-torch libopenblas0-pthread" >&2
    exit 2
  fi
  export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE
  if [ -n "${PEER_OPENBLAS_CORETYPE:-}" ]; then
    export OPENBLAS_CORETYPE=$PEER_OPENBLAS_CORETYPE
  else
    unset OPENBLAS_CORETYPE
  fi
}

# One line: threads, the variables set, the kernel set OpenBLAS chose, the CPU, torch's version.
bench_header() {
  local blas
  blas=$("$python" - <<'PY' 2>/dev/null || echo "?"
import ctypes, torch
path = next((l.split()[-1] for l in open("/proc/self/maps") if "openblas" in l), None)
if path:
    lib = ctypes.CDLL(path)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    print(f"{lib.openblas_get_corename().decode()} kernels, {lib.openblas_get_num_threads()} threads")
else:
    print("not loaded")
PY
)
  echo "threads $threads (OMP/MKL/OpenBLAS), OMP_WAIT_POLICY=$OMP_WAIT_POLICY," \
    "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} (peer's OpenBLAS: $blas);" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs;" \
    "torch $("$python" -c 'import torch; print(torch.__version__)'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_record BENCH ROUND CONTENDER COMMAND...: runs one contender, tags the last line of its output (a JSON
# object) with the benchmark, round and contender name, prints it and appends it to $out. The contender named
# "sentinel" is the one every other is compared with.
bench_record() {
  local bench=$1 round=$2 who=$3
  shift 3
  local line
  line=$("$@" | tail -1)
  "$python" -c 'import json, sys; d = json.loads(sys.argv[1]); d.update(bench=sys.argv[2], round=int(sys.argv[3]), contender=sys.argv[4])
print(json.dumps(d))' "$line" "$bench" "$round" "$who" | tee -a "$out"
}

# bench_sentinel_engines: the Sentinel contenders, one per engine in $ENGINES (default "djl"; e.g. "djl openblas"
# to compare DJL's libtorch with the OpenBLAS build in the same rounds). A single engine is named "sentinel", several
# "sentinel-ENGINE".
bench_sentinel_engines() {
  local engines=${ENGINES:-djl}
  set -- $engines
  if [ $# -eq 1 ]; then
    echo "sentinel:$1"
  else
    for e in "$@"; do echo "sentinel-$e:$e"; done
  fi
}

# bench_summary FILE: per benchmark and per peer, the ratio Sentinel tokens/s / peer tokens/s of each round (both
# measured in that round), its median and min–max, and each contender's median tokens/s; with several engines, each
# engine against each peer and against the first engine.
bench_summary() {
  "$python" - "$1" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for bench in dict.fromkeys(r["bench"] for r in rows):
    rounds = {}
    for r in rows:
        if r["bench"] == bench:
            rounds.setdefault(r["round"], {})[r["contender"]] = r["tokens_per_second"]
    names = list(dict.fromkeys(r["contender"] for r in rows if r["bench"] == bench))
    mine = [c for c in names if c.startswith("sentinel")]
    peers = [c for c in names if not c.startswith("sentinel")]
    for s in mine:
        runs = [r for r in rows if r["bench"] == bench and r["contender"] == s and "mfu" in r]
        if runs:
            mfu = statistics.median([r["mfu"] for r in runs])
            peaks = ", ".join(str(round(r["peak_gflops"])) for r in runs)
            print(f"{bench}: {s} model-FLOP utilisation median {100 * mfu:.1f}% of the matmul peak it measured"
                  f" each round ({peaks} GFLOP/s)")
    pairs_to_show = [(s, p) for s in mine for p in peers] + [(s, mine[0]) for s in mine[1:]]
    for s, peer in pairs_to_show:
        pairs = [v for _, v in sorted(rounds.items()) if s in v and peer in v]
        if not pairs:
            continue
        ratios = [v[s] / v[peer] for v in pairs]
        java, other = [v[s] for v in pairs], [v[peer] for v in pairs]
        print(f"{bench}: {s} / {peer} tokens/s, median {statistics.median(ratios):.2f}"
              f" (min {min(ratios):.2f}, max {max(ratios):.2f}; {len(ratios)} rounds: "
              + ", ".join(f"{x:.2f}" for x in ratios) + ")"
              f"; {s} {statistics.median(java):.1f} tokens/s ({min(java):.1f}–{max(java):.1f}),"
              f" {peer} {statistics.median(other):.1f} ({min(other):.1f}–{max(other):.1f})")
PY
}
