# 2048^3 FP32 product rate in Debian torch 1.13 and the OpenBLAS kernel set in use. Run as:
#   OPENBLAS_CORETYPE=... OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 matmul_rate.py [repeats]
import ctypes, os, sys, time, torch
torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
lib = None
for m in open("/proc/self/maps"):
    if "openblas" in m:
        lib = ctypes.CDLL(m.split()[-1]); break
core = lib.openblas_get_corename if lib else None
if core: core.restype = ctypes.c_char_p
n = 2048
a, b = torch.randn(n, n), torch.randn(n, n)
for _ in range(2): a @ b
best = []
for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 8):
    t = time.perf_counter(); a @ b; best.append(2 * n**3 / (time.perf_counter() - t) / 1e9)
best.sort()
print(f"CORETYPE={os.environ.get('OPENBLAS_CORETYPE','unset'):9s} core={core().decode() if core else '?'} "
      f"best {best[-1]:.0f} median {best[len(best)//2]:.0f} GFLOP/s")
if lib:
    print("openblas_get_num_threads:", lib.openblas_get_num_threads(), "torch threads:", torch.get_num_threads())
