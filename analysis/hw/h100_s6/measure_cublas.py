"""Session 6: the kernels cuBLAS runs for a set of GEMMs, with the profiler's grid, block, registers,
shared memory and occupancy, and their time under the data's protocol (256 MiB flush write on the
stream, CUDA events around the op, median of 50). Same method as ../h100_s5/measure_occ.py, other shapes.

  python3 measure_cublas.py simt_small   # small fp32 GEMMs (the seed MLP's layers, split-K shapes): what
                                         # a SIMT kernel costs per k-tile when one CTA holds an SM
  python3 measure_cublas.py tf32         # tf32 GEMMs where gpusim misses (sm90 xmma segment-K kernels)
  python3 measure_cublas.py small16      # (session 7) small fp16/bf16 GEMMs: kernel time vs the protocol's
                                         # event time, and a one-element add_ (the GPU-side floor of any kernel)

Writes OUT/<set>.csv."""
import csv, json, os, statistics, sys, tempfile
import torch
from torch.profiler import profile, ProfilerActivity

SQ = (128, 256, 384, 512, 768, 1024, 1536, 2048)
SETS = {
    "small16": ("fp16", [(s, s, s) for s in SQ] + [(64, 784, 128), (64, 128, 10), (1000, 784, 128), (1600, 384, 1024),
                (640, 128, 2880), (128, 384, 3456), (5312, 1664, 704)]),
    "small16_bf16": ("bf16", [(s, s, s) for s in SQ] + [(320, 1600, 1920), (8896, 1088, 64), (6272, 896, 25),
                     (1856, 4416, 640)]),
    "simt_small": ("fp32", [(64, 64, k) for k in (128, 256, 512, 1024, 2048, 4096, 8192, 16384)] +
                   [(64, 1024, k) for k in (128, 512, 1024, 4096)] + [(128, 128, k) for k in (512, 2048, 8192)] +
                   [(64, 128, 784), (64, 10, 128), (1000, 128, 784), (1000, 10, 128), (784, 128, 64), (128, 784, 64)]),
    "tf32": ("tf32", [(1600, 5056, 1792), (576, 640, 8512), (11520, 320, 384), (896, 1152, 3648), (576, 2624, 8384),
                    (3072, 3072, 3072), (2944, 512, 16192), (1536, 1536, 1536), (768, 768, 768), (8192, 8192, 8192),
                    (7232, 768, 640), (4352, 10176, 128)]),
}
if len(sys.argv) < 2 or any(a not in SETS for a in sys.argv[1:]):
    sys.exit("usage: measure_cublas.py SET... (%s)" % "|".join(SETS))
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

def kernels_of(f):
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        f(); torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    ev = json.load(open(path))["traceEvents"]
    os.unlink(path)
    return [e for e in ev if e.get("cat") == "kernel"]

def rows_of(label, m, n, k, t, ks):
    out = []
    for e in ks:
        g = e.get("args", {})
        out.append(dict(M=m, N=n, K=k, dtype=label, time_us=round(t, 3), kernel=e["name"][:120],
                        dur_us=e.get("dur"), grid=g.get("grid"), block=g.get("block"),
                        regs=g.get("registers per thread"), smem=g.get("shared memory"),
                        occ=g.get("est. achieved occupancy %"), blocks_per_sm=g.get("blocks per SM"),
                        warps_per_sm=g.get("warps per SM")))
    print(label, m, n, k, t, [(o["kernel"][:60], o["dur_us"], o["grid"]) for o in out], flush=True)
    return out

TORCH_DTYPE = {"fp32": torch.float32, "tf32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
for name in sys.argv[1:]:
    dtype, shapes = SETS[name]
    torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
    out = []
    if name.startswith("small16"):   # the floor: a one-element in-place add under the same protocol
        z = torch.zeros(1, device="cuda")
        f = lambda: z.add_(1)
        out += rows_of("add1", 1, 1, 1, timed(f), kernels_of(f))
    for (m, n, k) in shapes:
        a = torch.randn(m, k, device="cuda", dtype=TORCH_DTYPE[dtype])
        b = torch.randn(k, n, device="cuda", dtype=TORCH_DTYPE[dtype])
        f = lambda: torch.matmul(a, b)
        out += rows_of(dtype, m, n, k, timed(f), kernels_of(f))
    dst = os.path.join(os.environ.get("OUT", "."), name + ".csv")
    with open(dst, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0].keys())); w.writeheader(); w.writerows(out)
print(torch.cuda.get_device_name(0))
