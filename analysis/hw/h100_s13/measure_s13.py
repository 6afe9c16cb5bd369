"""Session 13: the kernels, grids and durations cuBLAS runs for aligned fp16/bf16 GEMMs (nvjet kernels):
  nvjet_grids.csv   every nvjet shape of the shared gemm_more.csv (90), which the shared file lists
                    without grids (so without split-K factors or persistent grid sizes);
  random_grids.csv  200 more random aligned shapes of our own (seed 13; M, N, K multiples of 8,
                    log-uniform in 16..16384, at most 2^36 multiply-adds), for fitting the selection
                    rules on shapes of our own and checking them on the shared file's.
Both: one row per kernel: dtype, M, N, K, time_us (this run's, median of 30), kernel, dur_us, grid,
block, regs, smem. Timed as the shared data (256 MiB flush write on the stream, CUDA events around the
op, 3 warm-ups, median of 30; torch.matmul, nn), then once under the PyTorch profiler (no flush).

Run as `OUT=dir python3 analysis/hw/h100_s13/measure_s13.py` from the repository root."""
import csv, json, math, os, random, statistics, tempfile
import torch
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT", ".")
flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")
DT = {"fp16": torch.float16, "bf16": torch.bfloat16}


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


def measure(shapes, name, shared=None):
    rows = []
    for dt, m, n, k in shapes:
        a = torch.randn(m, k, device="cuda", dtype=DT[dt])
        b = torch.randn(k, n, device="cuda", dtype=DT[dt])
        f = lambda: torch.matmul(a, b)
        f(); torch.cuda.synchronize()
        t = timed(f)
        ks = kernels_of(f)
        for e in ks:
            g = e.get("args", {})
            row = dict(dtype=dt, M=m, N=n, K=k, time_us=round(t, 3), kernel=e["name"][:200], dur_us=e.get("dur"),
                       grid=g.get("grid"), block=g.get("block"), regs=g.get("registers per thread"),
                       smem=g.get("shared memory"))
            if shared is not None:
                row["shared_time_us"] = shared[(dt, m, n, k)]
            rows.append(row)
        print(name, dt, m, n, k, round(t, 2), [(e["name"][:40], e.get("dur"), e.get("args", {}).get("grid")) for e in ks], flush=True)
        del a, b
    with open(os.path.join(OUT, name), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)


def main():
    src = [r for r in csv.DictReader(open("analysis/hw/h100/gemm_more.csv")) if "nvjet" in r["kernels"]]
    shapes = [(r["dtype"], int(r["M"]), int(r["N"]), int(r["K"])) for r in src]
    measure(shapes, "nvjet_grids.csv", {(r["dtype"], int(r["M"]), int(r["N"]), int(r["K"])): r["time_us"] for r in src})
    rng = random.Random(13)
    shapes = []
    while len(shapes) < 200:
        m, n, k = (8 * max(2, int(math.exp(rng.uniform(math.log(2), math.log(2048))))) for _ in range(3))
        if m * n * k > 2 ** 36:
            continue
        shapes.append((rng.choice(["fp16", "bf16"]), m, n, k))
    measure(shapes, "random_grids.csv")
    with open(os.path.join(OUT, "device.txt"), "w") as fh:
        p = torch.cuda.get_device_properties(0)
        fh.write("%s, %d SMs, torch %s, CUDA %s, driver via nvidia-smi below\n" % (p.name, p.multi_processor_count, torch.__version__, torch.version.cuda))
    os.system("nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv >> %s" % os.path.join(OUT, "device.txt"))


if __name__ == "__main__":
    main()
