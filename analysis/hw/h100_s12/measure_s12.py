"""Session 12: the kernels, grids and durations cuBLAS runs for every shape of the shared
gemm_more.csv that does not run an nvjet kernel (misaligned fp16/bf16: cutlass_75/80 tensorop and
wmma kernels; tf32: sm90_xmma; fp32: sm80 xmma ffma / cutlass simt), which the shared file lists
without grids: the split-K factor (grid z) and tile counts are what gpusim's selection rules need.
Timed as the shared data (256 MiB flush write on the stream, CUDA events around the op, 3 warm-ups,
median of 30; torch.matmul, nn), then once under the PyTorch profiler (no flush before it).

  gemm_more_grids.csv  one row per kernel: dtype, M, N, K, time_us (this run's), kernel, dur_us,
                       grid, block, regs, smem

Run as `OUT=dir python3 measure_s12.py` from the repository root (reads analysis/hw/h100/gemm_more.csv)."""
import csv, json, os, statistics, tempfile
import torch
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT", ".")
flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")
DT = {"fp16": torch.float16, "bf16": torch.bfloat16, "tf32": torch.float32, "fp32": torch.float32}


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


def main():
    src = list(csv.DictReader(open("analysis/hw/h100/gemm_more.csv")))
    rows = []
    for r in src:
        if "nvjet" in r["kernels"]:
            continue
        dt, m, n, k = r["dtype"], int(r["M"]), int(r["N"]), int(r["K"])
        torch.backends.cuda.matmul.allow_tf32 = dt == "tf32"
        a = torch.randn(m, k, device="cuda", dtype=DT[dt])
        b = torch.randn(k, n, device="cuda", dtype=DT[dt])
        f = lambda: torch.matmul(a, b)
        f(); torch.cuda.synchronize()
        t = timed(f)
        ks = kernels_of(f)
        for e in ks:
            g = e.get("args", {})
            rows.append(dict(dtype=dt, M=m, N=n, K=k, time_us=round(t, 3), shared_time_us=r["time_us"],
                             kernel=e["name"][:200], dur_us=e.get("dur"), grid=g.get("grid"), block=g.get("block"),
                             regs=g.get("registers per thread"), smem=g.get("shared memory")))
        print(dt, m, n, k, round(t, 2), r["time_us"], [(e["name"][:50], e.get("dur"), e.get("args", {}).get("grid")) for e in ks], flush=True)
        del a, b
    with open(os.path.join(OUT, "gemm_more_grids.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
    with open(os.path.join(OUT, "device.txt"), "w") as fh:
        p = torch.cuda.get_device_properties(0)
        fh.write("%s, %d SMs, torch %s, CUDA %s, driver via nvidia-smi below\n" % (p.name, p.multi_processor_count, torch.__version__, torch.version.cuda))
    os.system("nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv >> %s" % os.path.join(OUT, "device.txt"))


if __name__ == "__main__":
    main()
