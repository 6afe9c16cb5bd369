"""Session 6: the kernels cuBLAS runs for a set of GEMMs, with the profiler's grid, block, registers,
shared memory and occupancy, and their time under the data's protocol (256 MiB flush write on the
stream, CUDA events around the op, median of 50). Same method as ../h100_s5/measure_occ.py, other shapes.

  python3 measure_cublas.py simt_small   # small fp32 GEMMs (the seed MLP's layers, split-K shapes): what
                                         # a SIMT kernel costs per k-tile when one CTA holds an SM
  python3 measure_cublas.py tf32         # tf32 GEMMs where gpusim misses (sm90 xmma segment-K kernels)

Writes OUT/<set>.csv."""
import csv, json, os, statistics, sys, tempfile
import torch
from torch.profiler import profile, ProfilerActivity

SETS = {
    "simt_small": (False, [(64, 64, k) for k in (128, 256, 512, 1024, 2048, 4096, 8192, 16384)] +
                   [(64, 1024, k) for k in (128, 512, 1024, 4096)] + [(128, 128, k) for k in (512, 2048, 8192)] +
                   [(64, 128, 784), (64, 10, 128), (1000, 128, 784), (1000, 10, 128), (784, 128, 64), (128, 784, 64)]),
    "tf32": (True, [(1600, 5056, 1792), (576, 640, 8512), (11520, 320, 384), (896, 1152, 3648), (576, 2624, 8384),
                    (3072, 3072, 3072), (2944, 512, 16192), (1536, 1536, 1536), (768, 768, 768), (8192, 8192, 8192),
                    (7232, 768, 640), (4352, 10176, 128)]),
}
if len(sys.argv) != 2 or sys.argv[1] not in SETS:
    sys.exit("usage: measure_cublas.py simt_small|tf32")
TF32, SHAPES = SETS[sys.argv[1]]
flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")

def timed(f, reps=50):
    st = torch.cuda.Event(enable_timing=True); en = torch.cuda.Event(enable_timing=True)
    us = []
    for i in range(reps + 3):
        flush.fill_(1)
        st.record(); f(); en.record()
        torch.cuda.synchronize()
        if i >= 3: us.append(st.elapsed_time(en) * 1e3)
    return statistics.median(us)

out = []
for (m, n, k) in SHAPES:
    for tf32 in (TF32,):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        a = torch.randn(m, k, device="cuda"); b = torch.randn(k, n, device="cuda")
        f = lambda: torch.matmul(a, b)
        t = timed(f)
        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            f(); torch.cuda.synchronize()
        fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
        prof.export_chrome_trace(path)
        ev = json.load(open(path))["traceEvents"]
        ks = [e for e in ev if e.get("cat") == "kernel"]
        for e in ks:
            g = e.get("args", {})
            out.append(dict(M=m, N=n, K=k, dtype="tf32" if tf32 else "fp32", time_us=round(t, 3), kernel=e["name"][:120],
                            dur_us=e.get("dur"), grid=g.get("grid"), block=g.get("block"),
                            regs=g.get("registers per thread"), smem=g.get("shared memory"),
                            occ=g.get("est. achieved occupancy %"), blocks_per_sm=g.get("blocks per SM"),
                            warps_per_sm=g.get("warps per SM")))
        print(m, n, k, t, [(o["kernel"][:60], o["regs"], o["smem"], o["occ"]) for o in out if o["M"] == m and o["N"] == n and o["K"] == k], flush=True)
dst = os.path.join(os.environ.get("OUT", "."), sys.argv[1] + ".csv")
with open(dst, "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(out[0].keys())); w.writeheader(); w.writerows(out)
print(torch.cuda.get_device_name(0))
