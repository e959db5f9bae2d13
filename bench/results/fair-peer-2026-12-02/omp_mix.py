# Run as: [OMP_WAIT_POLICY=PASSIVE] OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 omp_mix.py
# An MLP-like mix: OpenMP element-wise work (torch's pool) then an OpenBLAS product (OpenBLAS's pool), repeated.
import os, time, torch
torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
x, w = torch.randn(512, 768), torch.randn(768, 3072)
def it():
    h = x @ w
    h = torch.tanh(h * 0.79) * h
    return h.sum()
for _ in range(3): it()
ts = []
for _ in range(5):
    t = time.perf_counter()
    for _ in range(10): it()
    ts.append(time.perf_counter() - t)
ts.sort()
print(f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY','unset'):8s} OMP={os.environ.get('OMP_NUM_THREADS')} BLAS={os.environ.get('OPENBLAS_NUM_THREADS')}: "
      f"{2*512*768*3072*10/ts[2]/1e9:.0f} GFLOP/s of products (median of 5, min {ts[0]*100:.0f} ms/iter)")
