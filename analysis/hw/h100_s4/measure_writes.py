#!/usr/bin/env python3
"""H100 measurements, fourth series (run on the device machine; card named in device.txt).

Why do output-bound GEMMs (small K, large M x N) reach only 1.2-1.8 TB/s of DRAM traffic
with Ampere-style kernels (sm80 xmma FFMA, cutlass mma.sync) while nvjet (TMA) kernels and
a plain 256 MiB fill reach 2-3 TB/s? Same protocol as the shared data (CUDA events around
the op only; the pre-op on the same stream right before it; 3 warm-ups; repetitions until
~0.3 s or 200, at least 10; median -> time_us):

  writes.csv  pre = 'write' (256 MiB fill: L2 left dirty), 'read' (256 MiB read-reduce: L2
              clean), 'none' (back to back: L2 holds the op's own previous output).
              ops: GEMMs with small K (torch.mm, row-major: the kernels cuBLAS picks are
              recorded), Triton kernels that only store a C matrix tile by tile (no loads:
              the write path alone), with tile BMxBN and a contiguous fill of the same bytes.
  linear.csv  the seed MLP's fp32 layers as PyTorch runs them (F.linear: x @ W^T + b), with
              the kernels and their durations (profiler), L2 warm (as in a CUDA graph replay).
"""
import csv, os, statistics, time
import torch
import torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT") or "/tmp/out4"
os.makedirs(OUT, exist_ok=True)
TARGET_S, MAXREP, MINREP = 0.3, 200, 10
dev = "cuda"
torch.backends.cuda.matmul.allow_tf32 = False
FW = torch.empty(128 * 1024 * 1024, dtype=torch.float16, device=dev)      # 256 MiB
FR = torch.randn(64 * 1024 * 1024, dtype=torch.float32, device=dev)       # 256 MiB
SINK = torch.empty(1, dtype=torch.float32, device=dev)
PRE = {"write": lambda: FW.fill_(1.0), "read": lambda: torch.sum(FR, dim=0, out=SINK[0]), "none": lambda: None}


def timed(op, pre):
    for _ in range(3): pre(); op()
    torch.cuda.synchronize()
    ts, t0 = [], time.time()
    while len(ts) < MAXREP and (len(ts) < MINREP or time.time() - t0 < TARGET_S):
        pre()
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); op(); b.record(); b.synchronize()
        ts.append(a.elapsed_time(b) * 1e3)
    return statistics.median(ts), min(ts), len(ts)


def kernels_of(op, pre):
    pre(); torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as p:
        op(); torch.cuda.synchronize()
    out = []
    for e in p.events():
        if e.device_type == torch.autograd.DeviceType.CUDA:
            out.append("%s [%.2f us]" % (e.name[:110], e.device_time if hasattr(e, "device_time") else e.cuda_time))
    return " | ".join(out)


def tile_store_ops():
    try:
        import triton
        import triton.language as tl
    except Exception as ex:  # no Triton: the GEMM rows still tell the story
        print("no triton:", ex)
        return {}

    @triton.jit
    def store_tiles(c_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
        pid = tl.program_id(0)
        tiles_n = tl.cdiv(N, BN)
        pm = pid // tiles_n
        pn = pid % tiles_n
        rm = pm * BM + tl.arange(0, BM)
        rn = pn * BN + tl.arange(0, BN)
        val = tl.zeros((BM, BN), dtype=tl.float32) + 1.0
        ptrs = c_ptr + rm[:, None] * N + rn[None, :]
        mask = (rm[:, None] < M) & (rn[None, :] < N)
        tl.store(ptrs, val.to(c_ptr.dtype.element_ty), mask=mask)

    ops = {}
    for dt in (torch.float16, torch.float32):
        c = torch.empty(8192, 8192, dtype=dt, device=dev)
        for bm, bn in ((64, 64), (128, 128), (128, 256), (256, 128)):
            grid = (triton.cdiv(8192, bm) * triton.cdiv(8192, bn),)
            ops["tilestore %s %dx%d" % (str(dt)[6:], bm, bn)] = (
                (lambda c=c, bm=bm, bn=bn, grid=grid: store_tiles[grid](c, 8192, 8192, BM=bm, BN=bn, num_warps=4)),
                c.numel() * c.element_size())
        ops["fill %s" % str(dt)[6:]] = ((lambda c=c: c.fill_(1.0)), c.numel() * c.element_size())
    return ops


def main():
    with open(os.path.join(OUT, "device.txt"), "w") as f:
        p = torch.cuda.get_device_properties(0)
        f.write("%s sms=%d torch=%s cuda=%s\n" % (p.name, p.multi_processor_count, torch.__version__, torch.version.cuda))
    # 1. output-bound GEMMs and pure tile stores under three L2 states
    ops = {}
    for dt, ks in ((torch.float16, (16, 24, 32, 64, 30, 36)), (torch.bfloat16, (43,)), (torch.float32, (16, 23, 32, 64))):
        for m, n in ((8192, 8192), (4096, 4096)):
            for k in ks:
                a = torch.randn(m, k, dtype=dt, device=dev); b = torch.randn(k, n, dtype=dt, device=dev)
                c = torch.empty(m, n, dtype=dt, device=dev)
                ops["gemm %s %dx%dx%d" % (str(dt)[6:], m, n, k)] = (
                    (lambda a=a, b=b, c=c: torch.mm(a, b, out=c)), (m * k + k * n + m * n) * a.element_size())
    ops.update(tile_store_ops())
    with open(os.path.join(OUT, "writes.csv"), "w", newline="") as f:
        w = csv.writer(f); w.writerow(["op", "pre", "bytes", "time_us", "min_us", "reps", "gbps", "kernels"])
        for name, (op, nbytes) in ops.items():
            kern = kernels_of(op, PRE["write"])
            for pre in ("write", "read", "none"):
                t, tmin, reps = timed(op, PRE[pre])
                w.writerow([name, pre, nbytes, "%.3f" % t, "%.3f" % tmin, reps, "%.1f" % (nbytes / t / 1e3), kern])
                f.flush()
                print(name, pre, "%.2f us" % t, flush=True)
    # 2. the seed MLP's fp32 layers (and fp16) as F.linear, warm L2
    with open(os.path.join(OUT, "linear.csv"), "w", newline="") as f:
        w = csv.writer(f); w.writerow(["dtype", "batch", "in", "out", "time_us", "min_us", "reps", "kernels"])
        for dt in (torch.float32, torch.float16):
            for batch in (64, 1000):
                for fin, fout in ((784, 128), (128, 10)):
                    x = torch.randn(batch, fin, dtype=dt, device=dev)
                    wt = torch.randn(fout, fin, dtype=dt, device=dev); bias = torch.randn(fout, dtype=dt, device=dev)
                    op = lambda x=x, wt=wt, bias=bias: F.linear(x, wt, bias)
                    t, tmin, reps = timed(op, PRE["none"])
                    w.writerow([str(dt)[6:], batch, fin, fout, "%.3f" % t, "%.3f" % tmin, reps, kernels_of(op, PRE["none"])])
                    f.flush()


if __name__ == "__main__":
    main()
