"""Session 10: two sets of cuBLAS GEMMs on the H100, each timed under the data's protocol (256 MiB
flush write on the stream, CUDA events around the op, median of 30) and then run once more under the
PyTorch profiler for the kernels cuBLAS ran (name, grid, block, registers, shared memory, duration).

  mis_skinny.csv  fp16/bf16 torch.matmul (nn) whose rows are not 16-byte aligned (odd N or K) with a
                  small side and a long K, where cuBLAS runs cutlass_75 / wmma mma.sync kernels with
                  split-K: which tile and split it takes, and what a k-tile costs (a K sweep at M=16,
                  N=2047 and at M=3001, N=23);
  linear32.csv    fp32 F.linear (x @ W^T, with and without a bias: what nn.Linear runs) for the seed
                  MLP's kind of shapes: when cuBLAS takes the scal + sgemm_largek + bias-epilogue path,
                  and what each of its kernels costs.

Run as `OUT=dir python3 measure_s10.py`. Shapes are drawn from a seeded generator (seed 10)."""
import csv, json, os, random, statistics, tempfile
import torch
import torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT", ".")
flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")


def timed(f, reps=30):
    st = torch.cuda.Event(enable_timing=True); en = torch.cuda.Event(enable_timing=True)
    us = []
    for i in range(reps + 3):
        flush.fill_(1)
        st.record(); f(); en.record()
        torch.cuda.synchronize()
        if i >= 3:
            us.append(st.elapsed_time(en) * 1e3)
    return statistics.median(us)


def kernels_of(f):
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        f(); torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    ev = json.load(open(path))["traceEvents"]
    os.unlink(path)
    return sorted([e for e in ev if e.get("cat") in ("kernel", "gpu_memset")], key=lambda e: e["ts"])


def rows_of(extra, t, ks):
    out = []
    for e in ks:
        g = e.get("args", {})
        out.append(dict(extra, time_us=round(t, 3), kernel=e["name"][:140], dur_us=e.get("dur"),
                        grid=g.get("grid"), block=g.get("block"), regs=g.get("registers per thread"),
                        smem=g.get("shared memory")))
    print(extra, round(t, 2), [(o["kernel"][:70], o["dur_us"], o["grid"]) for o in out], flush=True)
    return out


def write(name, rows):
    with open(os.path.join(OUT, name), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)


TD = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}
rng = random.Random(10)

# --- mis_skinny.csv
shapes = []
for dt in ("fp16", "bf16"):
    for _ in range(14):    # small M, wide odd N, long K
        shapes.append((dt, rng.choice([8, 12, 16, 24, 40, 64, 96, 160, 250]), rng.randrange(501, 12001) | 1,
                       rng.randrange(2001, 16001)))
    for _ in range(8):     # large M, small odd N, long K
        shapes.append((dt, rng.randrange(1000, 12001), rng.choice([15, 21, 27, 37, 45, 57, 63, 95]),
                       rng.randrange(1001, 14001)))
for k in (1001, 2001, 4001, 8001, 16001):
    shapes.append(("fp16", 16, 2047, k))
    shapes.append(("fp16", 3001, 23, k))
rows = []
for dt, m, n, k in shapes:
    a = torch.randn(m, k, device="cuda", dtype=TD[dt])
    b = torch.randn(k, n, device="cuda", dtype=TD[dt])
    f = lambda: torch.matmul(a, b)
    f()
    rows += rows_of(dict(dtype=dt, M=m, N=n, K=k), timed(f), kernels_of(f))
    del a, b
write("mis_skinny.csv", rows)

# --- linear32.csv
rows = []
for m in (64, 256, 1000, 4096):
    for n in (10, 16, 32, 64, 128, 512):
        for k in (128, 784, 4096):
            for bias in (0, 1):
                x = torch.randn(m, k, device="cuda")
                w = torch.randn(n, k, device="cuda")
                bv = torch.randn(n, device="cuda") if bias else None
                f = lambda: F.linear(x, w, bv)
                f()
                rows += rows_of(dict(dtype="fp32", M=m, N=n, K=k, bias=bias), timed(f), kernels_of(f))
write("linear32.csv", rows)
print(torch.cuda.get_device_name(0), torch.__version__, torch.version.cuda)
