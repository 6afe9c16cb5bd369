"""Session 14: the shared H100 GEMM sets re-timed on an H200, to check configs/h200.ini (made from the H200's
datasheet and the H100's microarchitecture keys) on a card nothing was fitted to. Every shape of
analysis/hw/h100/gemm_more.csv (220) and gemm.csv (53), timed as the shared data (256 MiB flush write on the
stream, CUDA events around the op, 3 warm-ups, median of 30; torch.matmul, nn, TF32 on for tf32 rows only),
then once under the PyTorch profiler (no flush) for the kernels' names and grids.

  gemm_more.csv  dtype, M, N, K, time_us, h100_time_us (the shared file's), kernels ("name grid=[..] dur_us=..",
                 " | " between kernels)
  gemm.csv       the same for gemm.csv's shapes

Run as `OUT=dir python3 analysis/hw/h200_s14/measure_h200.py` from the repository root."""
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
    ks = sorted([e for e in ev if e.get("cat") in ("kernel", "gpu_memset")], key=lambda e: e["ts"])
    return " | ".join("%s grid=%s dur_us=%s" % (e["name"][:120], e.get("args", {}).get("grid"), e.get("dur")) for e in ks)


def one(dt, m, n, k):
    torch.backends.cuda.matmul.allow_tf32 = dt == "tf32"
    a = torch.randn(m, k, device="cuda", dtype=DT[dt])
    b = torch.randn(k, n, device="cuda", dtype=DT[dt])
    f = lambda: torch.matmul(a, b)
    f(); torch.cuda.synchronize()
    t = timed(f, 30 if m * n * k < 2 ** 36 else 10)
    return t, kernels_of(f)


def main():
    for name in ("gemm.csv", "gemm_more.csv"):
        rows = []
        for r in csv.DictReader(open("analysis/hw/h100/" + name)):
            dt, m, n, k = r["dtype"], int(r["M"]), int(r["N"]), int(r["K"])
            t, ks = one(dt, m, n, k)
            rows.append(dict(dtype=dt, M=m, N=n, K=k, time_us=round(t, 3), h100_time_us=r["time_us"], kernels=ks))
            print(name, dt, m, n, k, round(t, 2), r["time_us"], flush=True)
        with open(os.path.join(OUT, name), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
    with open(os.path.join(OUT, "device.txt"), "w") as fh:
        p = torch.cuda.get_device_properties(0)
        fh.write("%s, %d SMs, %.1f GiB, torch %s, CUDA %s\n" % (p.name, p.multi_processor_count, p.total_memory / 2 ** 30,
                                                             torch.__version__, torch.version.cuda))
    os.system("nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.max.mem --format=csv >> %s"
              % os.path.join(OUT, "device.txt"))


if __name__ == "__main__":
    main()
